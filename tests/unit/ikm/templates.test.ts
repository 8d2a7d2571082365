import { customElementSet, ElementSetError, genericElementSet, getTemplate, isTemplateId, TEMPLATE_IDS } from '../../../server/ikm';

describe('built-in templates', () => {
  it('list the three templates', () => {
    expect([...TEMPLATE_IDS].sort()).toEqual(['kepmenpan-25-2004', 'permenpanrb-14-2017', 'stakeholder']);
    expect(isTemplateId('stakeholder')).toBe(true);
    expect(isTemplateId('toString')).toBe(false);
  });

  it('put the 14/2017 elements in questionnaire order U1…U9 (reference 2.3)', () => {
    expect(getTemplate('permenpanrb-14-2017').elements.map((e) => e.key)).toEqual([
      'persyaratan',
      'prosedur',
      'waktu',
      'biaya',
      'produk',
      'kompetensi',
      'perilaku',
      'sarpras',
      'pengaduan',
    ]);
    const t = getTemplate('permenpanrb-14-2017');
    expect(t.elements[7]!.name.id).toBe('Sarana dan Prasarana');
    expect(t.elements[8]!.name.id).toBe('Penanganan Pengaduan, Saran dan Masukan');
    expect(t.elements[3]!.labels.map((l) => l.id)).toEqual(['Sangat mahal', 'Cukup mahal', 'Murah', 'Gratis']);
  });

  it('give KEP/25 its 14 elements and grade table', () => {
    const t = getTemplate('kepmenpan-25-2004');
    expect(t.elements).toHaveLength(14);
    expect(t.gradeTable).toBe('kepmenpan-25-2004');
    expect(t.elements[8]!.name.id).toBe('Kesopanan dan keramahan petugas');
  });

  it('include courtesy and freedom from levies in the stakeholder set', () => {
    const names = getTemplate('stakeholder').elements.map((e) => e.name.id);
    expect(names).toHaveLength(9);
    expect(names).toContain('Keramahan dan kesopanan petugas');
    expect(names).toContain('Bebas pungutan dan gratifikasi');
  });

  it.each(TEMPLATE_IDS)('%s has unique keys, both languages and four labels per element', (id) => {
    const els = getTemplate(id).elements;
    expect(new Set(els.map((e) => e.key)).size).toBe(els.length);
    for (const e of els) {
      for (const text of [e.name, e.question, ...e.labels]) {
        expect(text.id.length).toBeGreaterThan(0);
        expect(text.en.length).toBeGreaterThan(0);
      }
      expect(e.labels).toHaveLength(4);
    }
  });
});

describe('customElementSet', () => {
  it('builds k elements with generic labels and the 14/2017 grade table', () => {
    const set = customElementSet([{ key: 'akses', name: { id: 'Akses informasi', en: 'Access to information' } }]);
    expect(set).toMatchObject({ id: 'custom', gradeTable: 'permenpanrb-14-2017' });
    expect(set.elements[0]!.labels[3].id).toBe('Sangat baik');
  });

  it('reports every problem at once', () => {
    try {
      customElementSet([
        { key: 'Bad Key', name: { id: 'A', en: 'A' } },
        { key: 'ok', name: { id: '', en: 'B' } },
        { key: 'ok', name: { id: 'C', en: 'C' }, labels: [{ id: 'x', en: 'x' }] },
      ]);
      throw new Error('expected a failure');
    } catch (e) {
      expect(e).toBeInstanceOf(ElementSetError);
      expect((e as ElementSetError).problems).toHaveLength(4);
    }
  });

  it('refuses an empty set', () => {
    expect(() => customElementSet([])).toThrow(ElementSetError);
    expect(() => genericElementSet(0)).toThrow(ElementSetError);
  });
});
