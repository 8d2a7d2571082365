import { classifyIkm, classifyScore, getGradeTable, performanceLabel, type Grade } from '../../../server/ikm';

describe('classifyScore, PermenPANRB 14/2017 table (reference 2.6)', () => {
  it.each<[number, Grade]>([
    [100, 'A'],
    [88.31, 'A'],
    [88.305, 'A'],
    [88.3049, 'B'],
    [88.3, 'B'],
    [76.61, 'B'],
    [76.605, 'B'],
    [76.6049, 'C'],
    [76.6, 'C'],
    [65.0, 'C'],
    [64.995, 'C'],
    [64.9949, 'D'],
    [64.99, 'D'],
    [25, 'D'],
  ])('score %p is grade %p', (score, grade) => {
    expect(classifyScore(score, 'permenpanrb-14-2017').grade).toBe(grade);
  });

  it('maps grades to performance labels', () => {
    expect(classifyScore(91.48, 'permenpanrb-14-2017')).toEqual({ grade: 'A', performance: 'sangat-baik', rounded: 91.48 });
    expect(classifyScore(80, 'permenpanrb-14-2017').performance).toBe('baik');
    expect(classifyScore(75, 'permenpanrb-14-2017').performance).toBe('kurang-baik');
    expect(classifyScore(50, 'permenpanrb-14-2017').performance).toBe('tidak-baik');
  });

  it('reports the rounded score the grade was read from', () => {
    expect(classifyScore(88.305, 'permenpanrb-14-2017').rounded).toBe(88.31);
  });

  it('grades the 1–4 index through ×25 (3.5324 → 88.31 A, 3.532 → 88.30 B)', () => {
    expect(classifyIkm(3.5324, 'permenpanrb-14-2017').grade).toBe('A');
    expect(classifyIkm(3.532, 'permenpanrb-14-2017').grade).toBe('B');
    expect(classifyIkm(3.0644, 'permenpanrb-14-2017').grade).toBe('B');
    expect(classifyIkm(3.064, 'permenpanrb-14-2017').grade).toBe('C');
    expect(classifyIkm(2.6, 'permenpanrb-14-2017').grade).toBe('C');
    expect(classifyIkm(2.5996, 'permenpanrb-14-2017').grade).toBe('D');
  });
});

describe('classifyScore, KEP/25/2004 table (reference 3.3)', () => {
  it.each<[number, Grade]>([
    [100, 'A'],
    [81.26, 'A'],
    [81.255, 'A'],
    [81.2549, 'B'],
    [81.25, 'B'],
    [62.51, 'B'],
    [62.505, 'B'],
    [62.5, 'C'],
    [43.76, 'C'],
    [43.755, 'C'],
    [43.75, 'D'],
    [25, 'D'],
  ])('score %p is grade %p', (score, grade) => {
    expect(classifyScore(score, 'kepmenpan-25-2004').grade).toBe(grade);
  });

  it('grades all-3 answers (75,00) B under KEP/25 but C under 14/2017 (reference 2.11 note)', () => {
    expect(classifyScore(75, 'kepmenpan-25-2004').grade).toBe('B');
    expect(classifyScore(75, 'permenpanrb-14-2017').grade).toBe('C');
  });
});

describe('grade tables', () => {
  it('list the bands best first with the regulation bounds', () => {
    expect(getGradeTable('permenpanrb-14-2017').bands.map((b) => [b.grade, b.min])).toEqual([
      ['A', '88.31'],
      ['B', '76.61'],
      ['C', '65.00'],
      ['D', '25.00'],
    ]);
    expect(getGradeTable('kepmenpan-25-2004').bands.map((b) => b.min)).toEqual(['81.26', '62.51', '43.76', '25.00']);
  });

  it('label performance in both languages', () => {
    expect(performanceLabel('sangat-baik', 'id')).toBe('Sangat Baik');
    expect(performanceLabel('kurang-baik', 'id')).toBe('Kurang Baik');
    expect(performanceLabel('tidak-baik', 'id')).toBe('Tidak Baik');
    expect(performanceLabel('baik', 'en')).toBe('Good');
  });
});
