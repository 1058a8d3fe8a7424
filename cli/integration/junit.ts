/**
 * JUnit XML of a run, the format CI systems (GitHub test reporters, GitLab,
 * Jenkins) read: one <testcase> per spec, a <failure> with every problem.
 */
import type { IntegrationResult } from './results.js';

export function formatJunit(run: IntegrationResult): string {
  const failures = run.specs.filter((s) => !s.ok).length;
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const cases = run.specs.map((s) => {
    const open = `    <testcase name="${xml(s.name)}" classname="${xml(run.suite)}" file="${xml(s.file)}" time="${seconds(s.ms)}"`;
    if (s.ok) return `${open}/>`;
    return `${open}>\n      <failure message="${xml(s.problems[0] ?? 'failed')}" type="mismatch">${xml(s.problems.join('\n'))}</failure>\n    </testcase>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="hgw integration" tests="${run.specs.length}" failures="${failures}" time="${seconds(run.ms)}">`,
    `  <testsuite name="${xml(run.suite)}" tests="${run.specs.length}" failures="${failures}" errors="0" skipped="0" time="${seconds(run.ms)}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

/** Escapes the five XML specials and drops the characters XML 1.0 cannot carry at all. */
function xml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}
