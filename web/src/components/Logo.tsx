export function Logo({ size = 28 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 64 64" aria-hidden="true" focusable="false">
      <rect width="64" height="64" rx="14" fill="#111a2e" />
      <path d="M10 44 L24 30 L34 38 L52 18" fill="none" stroke="#3b82f6" strokeWidth="5" strokeLinecap="round" strokeLinejoin="round" />
      <rect x="14" y="46" width="6" height="8" rx="1.5" fill="#22c55e" />
      <rect x="29" y="42" width="6" height="12" rx="1.5" fill="#ef4444" />
      <rect x="44" y="38" width="6" height="16" rx="1.5" fill="#22c55e" />
      <circle cx="52" cy="18" r="5" fill="#ef4444" />
    </svg>
  );
}
