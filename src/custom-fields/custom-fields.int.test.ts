import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeEachDialect } from '../../test/support/dialects.js';
import {
  addSerials,
  createTestApp,
  makeItem,
  makeLocation,
  type Client,
  type TestApp,
} from '../../test/support/test-app.js';
import {
  createPo,
  errorList,
  makeSupplier,
  problemOf,
  serialDetail,
  type ReceiptJson,
} from '../../test/support/documents.js';

interface FieldJson {
  id: number;
  partTypeId: number;
  name: string;
  type: string;
  required: boolean;
  position: number;
  choices: string[] | null;
}
interface FieldValueJson extends FieldJson {
  value: string | null;
}
interface SerialFieldsJson {
  serialId: number;
  serialNumber: string;
  version: number;
  fields: FieldValueJson[];
}
interface PageJson {
  serials: { id: number; serialNumber: string; customValues?: Record<string, string> }[];
  nextCursor: string | null;
}

const put = (client: Client, url: string, body: unknown) => client.request('PUT', url, body);

describeEachDialect('custom fields per serial', (dialect) => {
  let t: TestApp;
  let r1: number;
  let partTypeId: number;
  let itemId: number;
  /** Fields of the "Alternators" part type, by name. */
  const f: Record<string, FieldJson> = {};

  async function makePartType(name: string): Promise<number> {
    const res = await t.admin.post('/api/part-types', { name });
    expect(res.statusCode).toBe(201);
    return res.json<{ id: number }>().id;
  }
  async function defineField(ptId: number, body: Record<string, unknown>): Promise<FieldJson> {
    const res = await t.admin.post(`/api/part-types/${ptId}/custom-fields`, body);
    expect(res.statusCode, res.body).toBe(201);
    return res.json<FieldJson>();
  }
  const valuesOf = async (serialId: number) => {
    const res = await t.admin.get(`/api/serials/${serialId}/custom-fields`);
    expect(res.statusCode).toBe(200);
    const body = res.json<SerialFieldsJson>();
    return Object.fromEntries(body.fields.map((x) => [x.name, x.value]));
  };
  const setValues = (serialId: number, values: Record<string, string | null>, extra = {}) =>
    put(t.admin, `/api/serials/${serialId}/custom-fields`, { values, ...extra });
  const byName = (values: Record<string, string | null>) =>
    Object.fromEntries(Object.entries(values).map(([name, v]) => [String(f[name]!.id), v]));
  const customEvents = async (serialId: number) =>
    (await serialDetail(t.admin, serialId)).history
      .filter((h) => h.kind === 'custom_field_changed')
      .map((h) => h.data);

  beforeAll(async () => {
    t = await createTestApp(dialect);
    r1 = await makeLocation(t.admin, 'R1-1A');
    partTypeId = await makePartType('Alternators');
    itemId = await makeItem(t.admin, 'ALT-12V', { primaryLocationId: r1, partTypeId });
    f['Core charge paid'] = await defineField(partTypeId, { name: 'Core charge paid', type: 'boolean' });
    f['Amperage'] = await defineField(partTypeId, { name: 'Amperage', type: 'number' });
    f['Rebuilt on'] = await defineField(partTypeId, { name: 'Rebuilt on', type: 'date' });
    f['Grade'] = await defineField(partTypeId, {
      name: 'Grade',
      type: 'choice',
      choices: ['A', 'B', 'C'],
    });
    f['Bench notes'] = await defineField(partTypeId, { name: 'Bench notes', type: 'text' });
  });
  afterAll(() => t?.close());

  describe('definitions per part type', () => {
    it('lists the fields in order with their types', async () => {
      const res = await t.admin.get(`/api/part-types/${partTypeId}/custom-fields`);
      expect(res.statusCode).toBe(200);
      expect(res.json<{ fields: FieldJson[] }>().fields.map((x) => [x.name, x.type, x.position])).toEqual([
        ['Core charge paid', 'boolean', 1],
        ['Amperage', 'number', 2],
        ['Rebuilt on', 'date', 3],
        ['Grade', 'choice', 4],
        ['Bench notes', 'text', 5],
      ]);
      expect(f['Grade']!.choices).toEqual(['A', 'B', 'C']);
    });

    it('refuses a duplicate name, a choice list without choices and choices on other types', async () => {
      const url = `/api/part-types/${partTypeId}/custom-fields`;
      const dup = await t.admin.post(url, { name: 'Amperage', type: 'text' });
      expect(dup.statusCode).toBe(409);
      expect(problemOf(dup).code).toBe('CUSTOM_FIELD_NAME_TAKEN');
      const noChoices = await t.admin.post(url, { name: 'Colour', type: 'choice' });
      expect(noChoices.statusCode).toBe(422);
      expect(errorList(noChoices)).toEqual(['choices required']);
      const dupChoices = await t.admin.post(url, {
        name: 'Colour',
        type: 'choice',
        choices: ['Red', ' Red '],
      });
      expect(errorList(dupChoices)).toEqual(['choices[1] duplicate']);
      const textChoices = await t.admin.post(url, { name: 'Colour', type: 'text', choices: ['Red'] });
      expect(problemOf(textChoices).code).toBe('CHOICES_NOT_ALLOWED');
      const badType = await t.admin.post(url, { name: 'Colour', type: 'colour' });
      expect(badType.statusCode).toBe(400);
      const unknownPartType = await t.admin.post('/api/part-types/99999/custom-fields', {
        name: 'X',
        type: 'text',
      });
      expect(unknownPartType.statusCode).toBe(404);
      // Nothing of the refused requests was stored.
      const list = await t.admin.get(url);
      expect(list.json<{ fields: FieldJson[] }>().fields).toHaveLength(5);
    });

    it('the same name may exist on two part types', async () => {
      const other = await makePartType('Starters');
      const field = await defineField(other, { name: 'Amperage', type: 'number' });
      expect(field).toMatchObject({ partTypeId: other, name: 'Amperage', position: 1 });
    });

    it('renames, reorders and refuses an order that leaves a field out', async () => {
      const scratch = await makePartType('Scratch');
      const a = await defineField(scratch, { name: 'A', type: 'text' });
      const b = await defineField(scratch, { name: 'B', type: 'text' });
      const c = await defineField(scratch, { name: 'C', type: 'text' });
      const renamed = await t.admin.patch(`/api/part-types/${scratch}/custom-fields/${a.id}`, {
        name: 'A2',
        required: true,
      });
      expect(renamed.statusCode).toBe(200);
      expect(renamed.json<FieldJson>()).toMatchObject({ name: 'A2', required: true });
      const order = await put(t.admin, `/api/part-types/${scratch}/custom-fields/order`, {
        fieldIds: [c.id, a.id, b.id],
      });
      expect(order.statusCode).toBe(200);
      expect(order.json<{ fields: FieldJson[] }>().fields.map((x) => x.name)).toEqual(['C', 'A2', 'B']);
      const partial = await put(t.admin, `/api/part-types/${scratch}/custom-fields/order`, {
        fieldIds: [c.id, a.id],
      });
      expect(partial.statusCode).toBe(422);
      expect(problemOf(partial).code).toBe('BAD_FIELD_ORDER');
      // A field of another part type is not found under this one.
      const foreign = await t.admin.patch(`/api/part-types/${scratch}/custom-fields/${f['Grade']!.id}`, {
        name: 'X',
      });
      expect(foreign.statusCode).toBe(404);
    });
  });

  describe('values of one serial', () => {
    let serialId: number;
    beforeAll(async () => {
      serialId = (await addSerials(t.admin, itemId, ['ALT-0001']))[0]!.id;
    });

    it('starts with no values and shows every field of the part type', async () => {
      const res = await t.admin.get(`/api/serials/${serialId}/custom-fields`);
      const body = res.json<SerialFieldsJson>();
      expect(body.serialNumber).toBe('ALT-0001');
      expect(body.fields.map((x) => [x.name, x.value])).toEqual([
        ['Core charge paid', null],
        ['Amperage', null],
        ['Rebuilt on', null],
        ['Grade', null],
        ['Bench notes', null],
      ]);
    });

    it('stores what spreadsheets write in canonical form', async () => {
      const res = await setValues(
        serialId,
        byName({
          'Core charge paid': 'Yes',
          Amperage: '1,234.50',
          'Rebuilt on': '2026-03-14',
          Grade: 'b',
          'Bench notes': '  tested OK ',
        }),
      );
      expect(res.statusCode, res.body).toBe(200);
      expect(await valuesOf(serialId)).toEqual({
        'Core charge paid': 'true',
        Amperage: '1234.5',
        'Rebuilt on': '2026-03-14',
        Grade: 'B',
        'Bench notes': 'tested OK',
      });
    });

    it('validates every value by its type and saves nothing when one is bad', async () => {
      const res = await setValues(
        serialId,
        byName({ 'Core charge paid': 'maybe', Amperage: '1,5', 'Rebuilt on': '14/03/2026', Grade: 'Z' }),
      );
      expect(res.statusCode).toBe(422);
      const problem = problemOf(res);
      expect(problem.code).toBe('INVALID_CUSTOM_VALUES');
      expect(errorList(res)).toEqual(
        [f['Core charge paid']!, f['Amperage']!, f['Rebuilt on']!, f['Grade']!]
          .map((x) => `values.${x.id} bad_value`)
          .sort(),
      );
      expect(problem.errors!.find((e) => e.field === `values.${f['Grade']!.id}`)!.message).toBe(
        'Grade: "Z" is not one of the choices: A, B, C.',
      );
      const unknown = await setValues(serialId, { '99999': 'x' });
      expect(errorList(unknown)).toEqual(['values.99999 unknown_field']);
      expect((await valuesOf(serialId))['Amperage']).toBe('1234.5');
    });

    it('records each changed value as a history row old → new, and nothing for unchanged values', async () => {
      const before = await customEvents(serialId);
      const res = await setValues(serialId, byName({ Amperage: '90', Grade: 'B', 'Bench notes': '' }));
      expect(res.statusCode).toBe(200);
      const after = await customEvents(serialId);
      expect(after.slice(before.length)).toEqual([
        { field: 'Amperage', fieldId: f['Amperage']!.id, type: 'number', from: '1234.5', to: '90' },
        { field: 'Bench notes', fieldId: f['Bench notes']!.id, type: 'text', from: 'tested OK', to: null },
      ]);
      const detail = await serialDetail(t.admin, serialId);
      const last = detail.history.at(-1)!;
      expect(last).toMatchObject({ kind: 'custom_field_changed', username: 'admin' });
      // The Serial Detail shows the values too.
      const full = await t.admin.get(`/api/serials/${serialId}`);
      const fields = full.json<{ customFields: FieldValueJson[] }>().customFields;
      expect(fields.map((x) => [x.name, x.value])).toEqual([
        ['Core charge paid', 'true'],
        ['Amperage', '90'],
        ['Rebuilt on', '2026-03-14'],
        ['Grade', 'B'],
        ['Bench notes', null],
      ]);
      // Saving the same values again changes nothing and writes no history.
      const again = await setValues(serialId, byName({ Amperage: '90.0', Grade: 'b' }));
      expect(again.statusCode).toBe(200);
      expect(await customEvents(serialId)).toHaveLength(after.length);
    });

    it('makes an edit from a stale read fail with 409 (optimistic concurrency)', async () => {
      const { version } = (
        await t.admin.get(`/api/serials/${serialId}/custom-fields`)
      ).json<SerialFieldsJson>();
      const first = await setValues(serialId, byName({ Amperage: '100' }), { version });
      expect(first.statusCode).toBe(200);
      expect(first.json<SerialFieldsJson>().version).toBe(version + 1);
      const stale = await setValues(serialId, byName({ Amperage: '110' }), { version });
      expect(stale.statusCode).toBe(409);
      expect(problemOf(stale).code).toBe('STALE_SERIAL');
      expect((await valuesOf(serialId))['Amperage']).toBe('100');
      // A status edit made from the read before the value edit is refused too: the value changed the serial.
      const statusEdit = await t.admin.patch(`/api/serials/${serialId}`, { conditionNotes: 'x', version });
      expect(statusEdit.statusCode).toBe(409);
    });

    it('lets exactly one of two concurrent edits made from the same read win', async () => {
      const { version } = (
        await t.admin.get(`/api/serials/${serialId}/custom-fields`)
      ).json<SerialFieldsJson>();
      const before = (await customEvents(serialId)).length;
      const results = await Promise.all([
        setValues(serialId, byName({ Amperage: '200' }), { version }),
        setValues(serialId, byName({ Amperage: '300' }), { version }),
      ]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 409]);
      const winner = results.find((r) => r.statusCode === 200)!.json<SerialFieldsJson>();
      const amperage = winner.fields.find((x) => x.name === 'Amperage')!.value;
      expect(['200', '300']).toContain(amperage);
      expect((await valuesOf(serialId))['Amperage']).toBe(amperage);
      const events = await customEvents(serialId);
      expect(events.slice(before)).toEqual([
        { field: 'Amperage', fieldId: f['Amperage']!.id, type: 'number', from: '100', to: amperage },
      ]);
    });

    it('enforces required fields on write', async () => {
      const ptId = await makePartType('Batteries');
      const cca = await defineField(ptId, { name: 'Cold cranking amps', type: 'number', required: true });
      const note = await defineField(ptId, { name: 'Note', type: 'text' });
      const battery = await makeItem(t.admin, 'BAT-1', { primaryLocationId: r1, partTypeId: ptId });
      // Creating a serial does not need the value (receiving cannot ask for it); editing the box does.
      const [s] = await addSerials(t.admin, battery, ['BAT-0001']);
      const missing = await setValues(s!.id, { [note.id]: 'hello' });
      expect(missing.statusCode).toBe(422);
      expect(errorList(missing)).toEqual([`values.${cca.id} required`]);
      const ok = await setValues(s!.id, { [note.id]: 'hello', [cca.id]: '650' });
      expect(ok.statusCode).toBe(200);
      const cleared = await setValues(s!.id, { [cca.id]: null });
      expect(errorList(cleared)).toEqual([`values.${cca.id} required`]);
    });

    it('says when the part type has no custom fields', async () => {
      const plain = await makeItem(t.admin, 'PLAIN-1', { primaryLocationId: r1 });
      const [s] = await addSerials(t.admin, plain, ['P-1']);
      const res = await t.admin.get(`/api/serials/${s!.id}/custom-fields`);
      expect(res.json<SerialFieldsJson>().fields).toEqual([]);
      const write = await setValues(s!.id, { [f['Amperage']!.id]: '1' });
      expect(write.statusCode).toBe(422);
      expect(problemOf(write).code).toBe('NO_CUSTOM_FIELDS');
      expect(problemOf(write).detail).toContain('not configured for the part type');
    });
  });

  describe('Default Serial Q&A', () => {
    it('seeds new serials from Add Serial, with explicit values winning', async () => {
      const item = await makeItem(t.admin, 'ALT-DEF', { primaryLocationId: r1, partTypeId });
      const set = await put(t.admin, `/api/items/${item}/custom-field-defaults`, {
        values: byName({ 'Core charge paid': 'no', Grade: 'a', Amperage: '' }),
      });
      expect(set.statusCode, set.body).toBe(200);
      expect(set.json<{ fields: FieldValueJson[] }>().fields.map((x) => [x.name, x.value])).toEqual([
        ['Core charge paid', 'false'],
        ['Amperage', null],
        ['Rebuilt on', null],
        ['Grade', 'A'],
        ['Bench notes', null],
      ]);
      const res = await t.admin.post(`/api/items/${item}/serials`, {
        serials: [
          { serialNumber: 'D-1' },
          { serialNumber: 'D-2', customValues: byName({ Grade: 'c', Amperage: '95' }) },
        ],
      });
      expect(res.statusCode, res.body).toBe(201);
      const [d1, d2] = res.json<{ serials: { id: number }[] }>().serials;
      expect(await valuesOf(d1!.id)).toMatchObject({
        'Core charge paid': 'false',
        Grade: 'A',
        Amperage: null,
      });
      expect(await valuesOf(d2!.id)).toMatchObject({
        'Core charge paid': 'false',
        Grade: 'C',
        Amperage: '95',
      });
      // The "created" history row says what the serial started with.
      const created = (await serialDetail(t.admin, d2!.id)).history[0]!;
      expect(created).toMatchObject({ kind: 'created' });
      // By field id, as the edit rows name them, with the name of the moment for reading.
      expect(created.data).toEqual({
        customFields: [
          { fieldId: f['Core charge paid']!.id, field: 'Core charge paid', value: 'false' },
          { fieldId: f['Amperage']!.id, field: 'Amperage', value: '95' },
          { fieldId: f['Grade']!.id, field: 'Grade', value: 'C' },
        ],
      });

      // Changing the defaults never changes existing serials; the next new one gets the new defaults.
      await put(t.admin, `/api/items/${item}/custom-field-defaults`, { values: byName({ Grade: 'B' }) });
      expect((await valuesOf(d1!.id))['Grade']).toBe('A');
      const [d3] = await addSerials(t.admin, item, ['D-3']);
      expect(await valuesOf(d3!.id)).toMatchObject({ 'Core charge paid': 'false', Grade: 'B' });
    });

    it('refuses bad explicit values at Add Serial and saves none of the batch', async () => {
      const item = await makeItem(t.admin, 'ALT-BAD', { primaryLocationId: r1, partTypeId });
      const res = await t.admin.post(`/api/items/${item}/serials`, {
        serials: [
          { serialNumber: 'B-1' },
          { serialNumber: 'B-2', customValues: byName({ Amperage: 'lots' }) },
        ],
      });
      expect(res.statusCode).toBe(422);
      expect(errorList(res)).toEqual([`serials[1].customValues.${f['Amperage']!.id} bad_value`]);
      const list = await t.admin.get(`/api/items/${item}/serials`);
      expect(list.json<PageJson>().serials).toHaveLength(0);
    });

    it('seeds the serials a purchase order receipt creates', async () => {
      const item = await makeItem(t.admin, 'ALT-PO', { primaryLocationId: r1, partTypeId });
      await put(t.admin, `/api/items/${item}/custom-field-defaults`, {
        values: byName({ 'Core charge paid': 'yes', 'Rebuilt on': '2026-01-02' }),
      });
      const supplier = await makeSupplier(t.admin, 'Rebuilders Ltd');
      const po = await createPo(t.admin, supplier, [{ itemId: item, quantityOrdered: 3 }]);
      const res = await t.admin.post(`/api/purchase-orders/${po.id}/receipts`, {
        lines: [
          {
            lineId: po.lines[0]!.id,
            allocations: [{ locationId: r1, quantity: 3, serials: ['PO-1', 'PO-2', 'PO-3'] }],
          },
        ],
      });
      expect(res.statusCode, res.body).toBe(201);
      const serials = res.json<ReceiptJson>().serials;
      expect(serials).toHaveLength(3);
      for (const s of serials) {
        expect(await valuesOf(s.id)).toMatchObject({
          'Core charge paid': 'true',
          'Rebuilt on': '2026-01-02',
        });
      }
    });

    it('takes no answers for fields of another part type and checks types', async () => {
      const item = await makeItem(t.admin, 'ALT-DEF2', { primaryLocationId: r1, partTypeId });
      const res = await put(t.admin, `/api/items/${item}/custom-field-defaults`, {
        values: { ...byName({ 'Rebuilt on': 'yesterday' }), '99999': 'x' },
      });
      expect(res.statusCode).toBe(422);
      expect(errorList(res)).toEqual([
        `values.${f['Rebuilt on']!.id} bad_value`,
        'values.99999 unknown_field',
      ]);
      const get = await t.admin.get(`/api/items/${item}/custom-field-defaults`);
      expect(get.json<{ fields: FieldValueJson[] }>().fields.every((x) => x.value === null)).toBe(true);
    });
  });

  describe('bulk action, list columns and filters', () => {
    let item: number;
    let ids: number[];
    beforeAll(async () => {
      item = await makeItem(t.admin, 'ALT-BULK', { primaryLocationId: r1, partTypeId });
      const created = await addSerials(
        t.admin,
        item,
        Array.from({ length: 6 }, (_, i) => `BK-${i + 1}`),
      );
      ids = created.map((s) => s.id);
      await setValues(ids[0]!, byName({ Grade: 'A' }));
    });

    it('sets one field on the selected serials with a history row per changed serial', async () => {
      const res = await t.admin.post(`/api/items/${item}/serials/custom-fields/bulk`, {
        serialIds: [ids[0], ids[1], ids[2], ids[3]],
        fieldId: f['Grade']!.id,
        value: 'a',
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toEqual({ changed: 3, unchanged: 1 });
      expect(await customEvents(ids[0]!)).toHaveLength(1); // only the single edit of beforeAll
      expect(await customEvents(ids[1]!)).toEqual([
        { field: 'Grade', fieldId: f['Grade']!.id, type: 'choice', from: null, to: 'A' },
      ]);
      expect((await valuesOf(ids[4]!))['Grade']).toBeNull();
    });

    it('refuses serials of another item, bad values and unknown fields, changing nothing', async () => {
      const [foreign] = await addSerials(t.admin, itemId, ['ALT-FOREIGN']);
      const url = `/api/items/${item}/serials/custom-fields/bulk`;
      const wrongItem = await t.admin.post(url, {
        serialIds: [ids[4], foreign!.id],
        fieldId: f['Grade']!.id,
        value: 'B',
      });
      expect(wrongItem.statusCode).toBe(422);
      expect(problemOf(wrongItem).code).toBe('UNKNOWN_SERIALS');
      expect((await valuesOf(ids[4]!))['Grade']).toBeNull();
      const bad = await t.admin.post(url, { serialIds: [ids[4]], fieldId: f['Grade']!.id, value: 'Z' });
      expect(errorList(bad)).toEqual(['value bad_value']);
      const unknown = await t.admin.post(url, { serialIds: [ids[4]], fieldId: 99999, value: 'x' });
      expect(errorList(unknown)).toEqual(['fieldId unknown_field']);
    });

    it('filters by exact value through cf.<fieldId>, in canonical form, across keyset pages', async () => {
      const grade = f['Grade']!.id;
      const page1 = (await t.admin.get(`/api/items/${item}/serials?cf.${grade}=a&limit=2`)).json<PageJson>();
      expect(page1.serials.map((s) => s.serialNumber)).toEqual(['BK-1', 'BK-2']);
      const page2 = (
        await t.admin.get(`/api/items/${item}/serials?cf.${grade}=A&limit=2&cursor=${page1.nextCursor}`)
      ).json<PageJson>();
      expect(page2.serials.map((s) => s.serialNumber)).toEqual(['BK-3', 'BK-4']);
      expect(page2.nextCursor).toBeNull();
      const none = (await t.admin.get(`/api/items/${item}/serials?cf.${grade}=`)).json<PageJson>();
      expect(none.serials.map((s) => s.serialNumber)).toEqual(['BK-5', 'BK-6']);
      await setValues(ids[5]!, byName({ 'Core charge paid': 'y' }));
      const yes = (
        await t.admin.get(`/api/items/${item}/serials?cf.${f['Core charge paid']!.id}=YES&cf.${grade}=`)
      ).json<PageJson>();
      expect(yes.serials.map((s) => s.serialNumber)).toEqual(['BK-6']);
      const badValue = await t.admin.get(`/api/items/${item}/serials?cf.${f['Amperage']!.id}=lots`);
      expect(badValue.statusCode).toBe(422);
      expect(problemOf(badValue).code).toBe('BAD_FILTER');
      const badField = await t.admin.get(`/api/items/${item}/serials?cf.99999=x`);
      expect(errorList(badField)).toEqual(['cf.99999 unknown_field']);
    });

    it("adds each row's custom values with fields=1 only", async () => {
      const without = (await t.admin.get(`/api/items/${item}/serials?limit=2`)).json<PageJson>();
      expect(without.serials[0]!.customValues).toBeUndefined();
      const withValues = (await t.admin.get(`/api/items/${item}/serials?fields=1&limit=6`)).json<PageJson>();
      expect(withValues.serials.map((s) => s.customValues)).toEqual([
        { [f['Grade']!.id]: 'A' },
        { [f['Grade']!.id]: 'A' },
        { [f['Grade']!.id]: 'A' },
        { [f['Grade']!.id]: 'A' },
        {},
        { [f['Core charge paid']!.id]: 'true' },
      ]);
    });
  });

  describe('filters on a common value (walking the serial order) and a rare one (from the value index)', () => {
    it('pages the same serials either way', async () => {
      const item = await makeItem(t.admin, 'ALT-MANY', { primaryLocationId: r1, partTypeId });
      await put(t.admin, `/api/items/${item}/custom-field-defaults`, { values: byName({ Grade: 'C' }) });
      // More matches than the rare-value threshold (2,000), so the common value takes the other plan.
      const numbers = Array.from({ length: 2100 }, (_, i) => `M-${String(i).padStart(5, '0')}`);
      const created = await addSerials(t.admin, item, numbers);
      const rare = created.filter((_, i) => i % 100 === 7).map((s) => s.id);
      const bulk = await t.admin.post(`/api/items/${item}/serials/custom-fields/bulk`, {
        serialIds: rare,
        fieldId: f['Grade']!.id,
        value: 'A',
      });
      expect(bulk.json()).toEqual({ changed: 21, unchanged: 0 });
      const all = async (value: string) => {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const url = `/api/items/${item}/serials?cf.${f['Grade']!.id}=${value}&limit=500${cursor ? `&cursor=${cursor}` : ''}`;
          const page: PageJson = (await t.admin.get(url)).json<PageJson>();
          seen.push(...page.serials.map((s) => s.serialNumber));
          cursor = page.nextCursor;
        } while (cursor);
        return seen;
      };
      const common = await all('c');
      expect(common).toHaveLength(2079);
      expect(common).toEqual(numbers.filter((_, i) => i % 100 !== 7));
      expect(await all('A')).toEqual(numbers.filter((_, i) => i % 100 === 7));
      const desc = (
        await t.admin.get(`/api/items/${item}/serials?cf.${f['Grade']!.id}=C&direction=desc&limit=3`)
      ).json<PageJson>();
      expect(desc.serials.map((s) => s.serialNumber)).toEqual(['M-02099', 'M-02098', 'M-02097']);
    });
  });

  describe('changing a field that holds values', () => {
    it('refuses a type change or deleting it, and removing a choice in use; allows renaming', async () => {
      const base = `/api/part-types/${partTypeId}/custom-fields`;
      const retype = await t.admin.patch(`${base}/${f['Grade']!.id}`, { type: 'text' });
      expect(retype.statusCode).toBe(409);
      expect(problemOf(retype).code).toBe('CUSTOM_FIELD_IN_USE');
      const dropChoice = await t.admin.patch(`${base}/${f['Grade']!.id}`, { choices: ['B', 'C'] });
      expect(dropChoice.statusCode).toBe(409);
      expect(problemOf(dropChoice).code).toBe('CHOICE_IN_USE');
      const addChoice = await t.admin.patch(`${base}/${f['Grade']!.id}`, { choices: ['A', 'B', 'C', 'D'] });
      expect(addChoice.json<FieldJson>().choices).toEqual(['A', 'B', 'C', 'D']);
      const del = await t.admin.delete(`${base}/${f['Grade']!.id}`);
      expect(del.statusCode).toBe(409);
      const rename = await t.admin.patch(`${base}/${f['Grade']!.id}`, { name: 'Condition grade' });
      expect(rename.statusCode).toBe(200);
      // History rows keep the name they were written with; the field shows under its new name.
      const list = await t.admin.get(base);
      expect(list.json<{ fields: FieldJson[] }>().fields.map((x) => x.name)).toContain('Condition grade');
    });

    it('deletes and retypes a field with no serial values (its default answers go with it)', async () => {
      const field = await defineField(partTypeId, { name: 'Temporary', type: 'text' });
      const retyped = await t.admin.patch(`/api/part-types/${partTypeId}/custom-fields/${field.id}`, {
        type: 'number',
      });
      expect(retyped.json<FieldJson>().type).toBe('number');
      await put(t.admin, `/api/items/${itemId}/custom-field-defaults`, { values: { [field.id]: '5' } });
      const del = await t.admin.delete(`/api/part-types/${partTypeId}/custom-fields/${field.id}`);
      expect(del.statusCode).toBe(200);
      const defaults = await t.admin.get(`/api/items/${itemId}/custom-field-defaults`);
      expect(defaults.json<{ fields: FieldJson[] }>().fields.map((x) => x.id)).not.toContain(field.id);
    });
  });

  describe('permissions', () => {
    it('INV_VIEW reads; INV_MANAGE_SERIALS writes values; INV_EDIT_ITEMS defines fields', async () => {
      const [s] = await addSerials(t.admin, itemId, ['ALT-PERM']);
      const viewer = await t.userWith(['INV_VIEW']);
      expect((await viewer.get(`/api/part-types/${partTypeId}/custom-fields`)).statusCode).toBe(200);
      expect((await viewer.get(`/api/serials/${s!.id}/custom-fields`)).statusCode).toBe(200);
      expect((await viewer.get(`/api/items/${itemId}/custom-field-defaults`)).statusCode).toBe(200);
      const viewerWrite = await put(viewer, `/api/serials/${s!.id}/custom-fields`, {
        values: byName({ Amperage: '1' }),
      });
      expect(viewerWrite.statusCode).toBe(403);
      expect(
        (await put(viewer, `/api/items/${itemId}/custom-field-defaults`, { values: {} })).statusCode,
      ).toBe(403);
      expect(
        (
          await viewer.post(`/api/items/${itemId}/serials/custom-fields/bulk`, {
            serialIds: [s!.id],
            fieldId: f['Amperage']!.id,
            value: '1',
          })
        ).statusCode,
      ).toBe(403);

      const serialsManager = await t.userWith(['INV_VIEW', 'INV_MANAGE_SERIALS']);
      const write = await put(serialsManager, `/api/serials/${s!.id}/custom-fields`, {
        values: byName({ Amperage: '1' }),
      });
      expect(write.statusCode).toBe(200);
      const define = await serialsManager.post(`/api/part-types/${partTypeId}/custom-fields`, {
        name: 'Nope',
        type: 'text',
      });
      expect(define.statusCode).toBe(403);
      const history = await serialDetail(t.admin, s!.id);
      expect(history.history.at(-1)).toMatchObject({
        kind: 'custom_field_changed',
        username: serialsManager.username,
      });
    });
  });
});
