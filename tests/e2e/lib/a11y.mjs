// Accessibility checks of the web app with axe-core (npm devDependency of tests/e2e): the
// library is injected into the page under test (page.addScriptTag, no network) and run with
// the WCAG 2.1 A/AA rule set.
//
//   const r = await axeScan(page, { name: 'dashboard (desktop)' });
//   r.violations   // [{ impact, id, help, helpUrl, nodes: [{ target, summary }] }]
//   formatViolations(r.violations)
//
// Also helpers for the keyboard checks: which element has the focus and whether it shows a
// visible focus indicator (outline or box-shadow while focused, or a :focus-visible rule).
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let axeSource = null;

/** axe.min.js of the installed axe-core (read once). */
export function axeSourceText() {
  if (!axeSource) axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  return axeSource;
}

export function axeVersion() {
  return require('axe-core/package.json').version;
}

export const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];
export const BLOCKING_IMPACTS = new Set(['serious', 'critical']);

/**
 * Runs axe on the page (the whole document, or `include` selectors) with the WCAG 2.1 A/AA
 * rules (`bestPractice: true` adds axe's best-practice rules, flagged `wcag: false`). Returns
 * { name, url, violations: [{ impact, id, wcag, help, helpUrl, nodes: [{ target, summary, html }] }],
 * incomplete: [{ id, impact, nodes, targets }] }. Injects axe once per document.
 * `exclude`: selectors to leave out (e.g. a live <video> whose pixels change under the
 * colour-contrast rule).
 */
export async function axeScan(page, { name = '', include, exclude = [], rules = {}, bestPractice = false } = {}) {
  const has = await page.evaluate(() => typeof window.axe !== 'undefined').catch(() => false);
  if (!has) await page.addScriptTag({ content: axeSourceText() });
  const result = await page.evaluate(async ({ tags, wcagTags, include: inc, exclude: exc, rules: rl }) => {
    const context = {};
    if (inc && inc.length) context.include = inc.map((s) => [s]);
    if (exc && exc.length) context.exclude = exc.map((s) => [s]);
    const r = await window.axe.run(Object.keys(context).length ? context : document, {
      runOnly: { type: 'tag', values: tags },
      rules: rl,
      resultTypes: ['violations', 'incomplete'],
    });
    return {
      url: location.pathname + location.search,
      // "needs review": axe could not decide (e.g. text over a gradient or a video)
      incomplete: r.incomplete.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length,
        targets: v.nodes.slice(0, 4).map((n) => n.target.join(' ')) })),
      violations: r.violations.map((v) => ({
        impact: v.impact,
        id: v.id,
        // false: a best-practice rule (not a WCAG success criterion)
        wcag: v.tags.some((t) => wcagTags.includes(t)),
        help: v.help,
        helpUrl: v.helpUrl,
        nodes: v.nodes.map((n) => ({
          target: n.target.map((t) => (Array.isArray(t) ? t.join(' >>> ') : t)).join(' '),
          summary: (n.failureSummary || '').replace(/\s+/g, ' ').slice(0, 300),
          html: (n.html || '').slice(0, 160),
        })),
      })),
    };
  }, { tags: bestPractice ? [...WCAG_TAGS, 'best-practice'] : WCAG_TAGS, wcagTags: WCAG_TAGS, include, exclude, rules });
  return { name, ...result };
}

/** Violations of WCAG 2.1 A/AA rules whose impact is serious or critical. */
export function blocking(violations) {
  return violations.filter((v) => v.wcag && BLOCKING_IMPACTS.has(v.impact));
}

/** Human-readable list: one line per rule, then its failing nodes. */
export function formatViolations(violations, { maxNodes = 6 } = {}) {
  return violations.map((v) => {
    const nodes = v.nodes.slice(0, maxNodes).map((n) => `      ${n.target}  ${n.html}\n        ${n.summary}`).join('\n');
    const more = v.nodes.length > maxNodes ? `\n      … ${v.nodes.length - maxNodes} more` : '';
    return `    [${v.impact}${v.wcag ? '' : ', best practice'}] ${v.id}: ${v.help} (${v.nodes.length} node${v.nodes.length === 1 ? '' : 's'})\n${nodes}${more}`;
  }).join('\n');
}

/**
 * Facts about document.activeElement: a short description, its box, and whether a visible
 * focus indicator is drawn (outline with a width and a colour that is not transparent, or a
 * box-shadow) and whether it matches :focus-visible.
 */
export async function focusInfo(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body || el === document.documentElement) return { tag: el ? el.tagName.toLowerCase() : null, none: true };
    const cs = getComputedStyle(el);
    const outlineWidth = parseFloat(cs.outlineWidth) || 0;
    const outline = cs.outlineStyle !== 'none' && outlineWidth > 0 && !/rgba\(\d+, \d+, \d+, 0\)|transparent/.test(cs.outlineColor);
    const shadow = cs.boxShadow && cs.boxShadow !== 'none';
    const r = el.getBoundingClientRect();
    const name = (el.getAttribute('aria-label') || el.labels?.[0]?.textContent || el.textContent || el.getAttribute('title') || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return {
      tag: el.tagName.toLowerCase(),
      role: el.getAttribute('role'),
      name,
      id: el.id || null,
      focusVisible: el.matches(':focus-visible'),
      indicator: outline || shadow,
      outline: `${cs.outlineStyle} ${cs.outlineWidth} ${cs.outlineColor}`,
      boxShadow: cs.boxShadow,
      box: { x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.width), height: Math.round(r.height) },
      // inside the off-canvas skip link or a visually hidden input: not visible by itself
      visible: r.width > 0 && r.height > 0 && cs.visibility !== 'hidden',
    };
  });
}

export function describeFocus(f) {
  if (!f || f.none) return '(nothing focused)';
  return `${f.tag}${f.role ? `[role=${f.role}]` : ''}${f.id ? `#${f.id}` : ''} "${f.name}"`;
}
