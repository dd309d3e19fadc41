import { describe, expect, it } from 'vitest';
import { parseTemplate, renderTemplate } from './message-template.js';

const values = {
  customer: { tier: 'silver', nextTier: null, spendToNextTier: 2800.5, orders: 3, segmentChanged: true },
  event: { data: { orderId: 'o1', items: [{ sku: 'A' }] } },
  calendar: { date: '2026-03-02' },
  reward: { points: 250 },
};

function render(text: string): string {
  const t = parseTemplate(text);
  if (!t.ok) throw new Error(t.message);
  return renderTemplate(t.parts, values);
}

describe('message templates', () => {
  it('substitutes customer, event, calendar and reward fields', () => {
    expect(render('{{customer.tier}}: +{{reward.points}} on {{event.data.orderId}} ({{event.data.items[0].sku}}) {{calendar.date}}')).toBe(
      'silver: +250 on o1 (A) 2026-03-02',
    );
  });

  it('formats money with 2 decimals, integers as is, booleans as yes/no', () => {
    expect(render('£{{customer.spendToNextTier}} / {{customer.orders}} / {{customer.segmentChanged}}')).toBe('£2800.50 / 3 / yes');
  });

  it('uses the fallback for null or missing values', () => {
    expect(render('next: {{ customer.nextTier | the top tier }}; {{customer.nextTier}}.')).toBe('next: the top tier; .');
  });

  it('does not execute anything', () => {
    expect(render('{{customer.constructor}}')).toBe('');
    expect(parseTemplate('{{process.exit()}}')).toMatchObject({ ok: false });
    expect(parseTemplate('{{customer.tier + 1}}')).toMatchObject({ ok: false });
  });

  it('rejects unbalanced braces and unknown roots', () => {
    expect(parseTemplate('hi {{customer.tier')).toEqual({ ok: false, message: 'unbalanced "{{" or "}}" in message' });
    expect(parseTemplate('{{state.x}}')).toMatchObject({ ok: false, message: expect.stringContaining('must start with customer.') });
    expect(parseTemplate('{{customer}}')).toMatchObject({ ok: false, message: expect.stringContaining('names no field') });
  });
});
