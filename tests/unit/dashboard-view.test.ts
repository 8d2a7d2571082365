/** The dashboard's view helpers: chart data safe inside <script>, numbers formatted, never rounded here. */
import { jsonForScript, viewHelpers } from '../../server/features/dashboard/dashboard.view';

test('jsonForScript: a unit or element name cannot close the data block or open markup', () => {
  const out = jsonForScript({ labels: ['</script><script>alert(1)</script>', 'A & B <!--'] });

  expect(out).not.toMatch(/[<>&]/);
  expect(JSON.parse(out)).toEqual({ labels: ['</script><script>alert(1)</script>', 'A & B <!--'] });
});

test('viewHelpers: numbers through the method’s half-up formatting, labels by language', () => {
  const id = viewHelpers('id');
  const en = viewHelpers('en');

  expect(id.num(92.255)).toBe('92,26');
  expect(en.num(92.255)).toBe('92.26');
  expect(id.num(null)).toBe('–');
  expect(id.pct(1, 3)).toBe('33,3%');
  expect(id.month(2022, 8)).toBe('Agu 2022');
  expect(en.grade({ grade: 'A', performance: 'sangat-baik' })).toBe('A (Very Good)');
  expect(id.profileLabel('gender', 'p')).toBe('Perempuan');
  expect(id.profileLabel('hobby', 'x', [{ key: 'x', name: { id: 'Memancing', en: 'Fishing' } }])).toBe('Memancing');
  expect(id.profileLabel('hobby', 'zz')).toBe('zz');
});
