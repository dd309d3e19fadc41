import type { ConditionExplanation, PipelineExplanation } from '@incentive/rules';

function show(v: unknown): string {
  if (v === undefined) return '(missing)';
  const text = JSON.stringify(v);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describe(node: ConditionExplanation): string {
  switch (node.kind) {
    case 'leaf': {
      const where = `${node.fact}${node.path ? ` ${node.path}` : ''}`;
      const value = node.valueFrom ? `${node.valueFrom.fact}${node.valueFrom.path ? ` ${node.valueFrom.path}` : ''} (= ${show(node.value)})` : show(node.value);
      const why = node.error !== undefined ? `error: ${node.error}` : `saw ${show(node.factValue)}`;
      return `${node.pointer || '/'} ${where} ${node.operator} ${value}: ${why}`;
    }
    case 'not':
      return `${node.pointer || '/'} not(...) held`;
    default:
      return `${node.pointer || '/'} ${node.kind}(...) failed`;
  }
}

/**
 * One block per processed event: a header, then every rule the event's type triggers with its
 * outcome; for a rule whose conditions failed, the blocking conditions with the values seen.
 */
export function formatExplanation(x: PipelineExplanation, occurredAt: string): string[] {
  const lines = [`${x.eventType} ${x.eventId} customer ${x.customerId} at ${occurredAt}: ${x.rules.length} rule(s)`];
  for (const r of x.rules) {
    const head = `  ${r.ruleId}${r.group ? ` [${r.group}/${r.priority}]` : ''}: `;
    if (r.outcome === 'matched') {
      lines.push(`${head}matched, ${r.selection ?? 'rewarded'}`);
    } else if (r.outcome === 'inactive') {
      lines.push(`${head}inactive at this time`);
    } else if (r.outcome === 'error') {
      lines.push(`${head}error: ${r.conditions?.error ?? 'unknown'}`);
    } else {
      lines.push(`${head}conditions failed`);
      for (const b of r.conditions?.blocking ?? []) lines.push(`      ${describe(b)}`);
    }
  }
  for (const e of x.evaluationErrors) lines.push(`  evaluation error (${e.ruleId}): ${e.message}`);
  return lines;
}
