import { parsePlainPath, readPath } from '../engine/index.js';
import type { PathSegment } from '../engine/index.js';

// Reward messages: `{{customer.tier}}`, `{{event.data.amount}}`, `{{reward.points}}`,
// `{{customer.nextTier | the top tier}}` (text after "|" is used when the value is null/missing).
// Plain substitution only: no expressions, no helpers, no code execution.

export const TEMPLATE_ROOTS = ['customer', 'event', 'calendar', 'reward'] as const;
export type TemplateRoot = (typeof TEMPLATE_ROOTS)[number];

export interface Placeholder {
  root: TemplateRoot;
  segments: PathSegment[];
  /** The placeholder as written, for lint messages. */
  source: string;
  fallback: string;
}

export type TemplatePart = string | Placeholder;
export type TemplateValues = Record<TemplateRoot, unknown>;

export type ParsedTemplate = { ok: true; parts: TemplatePart[] } | { ok: false; message: string };

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

export function parseTemplate(text: string): ParsedTemplate {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    const at = m.index;
    if (at > last) parts.push(text.slice(last, at));
    const inner = m[1] ?? '';
    const bar = inner.indexOf('|');
    const expr = (bar < 0 ? inner : inner.slice(0, bar)).trim();
    const fallback = bar < 0 ? '' : inner.slice(bar + 1).trim();
    const dot = expr.indexOf('.');
    const root = (dot < 0 ? expr : expr.slice(0, dot)) as TemplateRoot;
    if (!TEMPLATE_ROOTS.includes(root)) {
      return { ok: false, message: `placeholder {{${inner}}}: must start with ${TEMPLATE_ROOTS.map((r) => `${r}.`).join(', ')}` };
    }
    const parsed = parsePlainPath(`$${dot < 0 ? '' : expr.slice(dot)}`);
    if (!parsed.ok || parsed.segments.length === 0) {
      return { ok: false, message: `placeholder {{${inner}}}: ${parsed.ok ? 'names no field' : parsed.message}` };
    }
    parts.push({ root, segments: parsed.segments, source: expr, fallback });
    last = at + m[0].length;
  }
  const rest = text.slice(last);
  if (rest.includes('{{') || rest.includes('}}')) {
    return { ok: false, message: 'unbalanced "{{" or "}}" in message' };
  }
  if (rest) parts.push(rest);
  return { ok: true, parts };
}

/** Whole numbers as is, other numbers with 2 decimals (money), null/undefined/objects as the fallback. */
function show(value: unknown, fallback: string): string {
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(2);
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return fallback;
}

export function renderTemplate(parts: readonly TemplatePart[], values: TemplateValues): string {
  let out = '';
  for (const p of parts) {
    out += typeof p === 'string' ? p : show(readPath(values[p.root], p.segments), p.fallback);
  }
  return out;
}
