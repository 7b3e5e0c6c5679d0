export const PROTOCOL_MD: string;
export const OUT: string;
export function extractSchemas(markdown: string): { client: Record<string, unknown>; server: Record<string, unknown> };
