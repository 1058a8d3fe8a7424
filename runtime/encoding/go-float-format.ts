/**
 * Why this exists: Go prints a float64 with `strconv.FormatFloat(v, 'g', -1, 64)`
 * both in `fmt` `%v` (mxj's XML) and in goccy/go-yaml. Unlike JS, it switches to
 * exponent form from 1e+06 on and below 1e-04, and always writes two exponent
 * digits (`1e-05`, `1.5e+21`).
 */

/** `strconv.FormatFloat(n, 'g', -1, 64)`: shortest digits, `%e` when exp < -4 or exp >= 6. */
export function formatGoFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '+Inf';
  if (n === -Infinity) return '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  // toExponential() without digits gives the shortest round-trip mantissa, as Go does.
  const exponential = n.toExponential();
  const at = exponential.indexOf('e');
  const mantissa = exponential.slice(0, at);
  const exp = Number(exponential.slice(at + 1));
  if (exp < -4 || exp >= 6) {
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${mantissa}e${exp < 0 ? '-' : '+'}${digits}`;
  }
  // In this range JS's own shortest form is plain decimal notation, as Go's %f branch.
  return String(n);
}
