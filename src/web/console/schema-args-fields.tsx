import { useTranslation } from 'react-i18next';
import { fenToYuanInput, yuanToFen } from '../api/catalog-api';
import { FormField } from '../components/form-field';

/**
 * Draws a promotion kind's argument fields from its JSON Schema (GET /api/console/promotions/kinds),
 * so a kind registered on the server gets its console form without console code. Supported:
 * integers (amounts in fen are typed in yuan: names ending in "Fen"), strings, enums, booleans,
 * and arrays of such objects (tiers). A string named "...SkuId" is picked from the catalog.
 */

export interface JsonSchemaNode {
  type?: string;
  title?: string;
  description?: string;
  enum?: string[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchemaNode>;
  required?: string[];
  items?: JsonSchemaNode;
}

/** Form state: strings for scalars, lists of such records for arrays. */
export type ArgsState = Record<string, string | boolean | Record<string, string>[]>;
export type ArgErrors = Record<string, string[]>;

export interface SkuOption {
  id: string;
  label: string;
}

const isFen = (name: string) => /Fen(PerUnit)?$/.test(name);

function scalarToState(name: string, node: JsonSchemaNode, value: unknown): string | boolean {
  if (node.type === 'boolean') return value === true;
  // A select shows its first option when empty: make the state say so too.
  if ((value === undefined || value === null) && node.enum?.[0] !== undefined) return node.enum[0];
  if (value === undefined || value === null) return '';
  if ((node.type === 'integer' || node.type === 'number') && isFen(name) && typeof value === 'number') return fenToYuanInput(value);
  return String(value);
}

/** Args from the server (or defaults) -> form state. */
export function argsToState(schema: JsonSchemaNode, args: Record<string, unknown> | null): ArgsState {
  const out: ArgsState = {};
  for (const [name, node] of Object.entries(schema.properties ?? {})) {
    const value = args?.[name] ?? node.default;
    if (node.type === 'array') {
      const itemProps = node.items?.properties ?? {};
      const list = Array.isArray(value) ? (value as Record<string, unknown>[]) : [{}];
      out[name] = list.map((item) => Object.fromEntries(Object.entries(itemProps).map(([k, n]) => [k, String(scalarToState(k, n, item[k]))])));
    } else {
      out[name] = scalarToState(name, node, value);
    }
  }
  return out;
}

function parseScalar(name: string, node: JsonSchemaNode, raw: string, t: (k: string) => string): { value?: unknown; error?: string } {
  const text = raw.trim();
  if (text === '') return {};
  if (node.type === 'integer' || node.type === 'number') {
    if (isFen(name)) {
      const fen = yuanToFen(text);
      return fen === null ? { error: t('promotions.form.amountInvalid') } : { value: fen };
    }
    if (!/^-?\d+$/.test(text)) return { error: t('promotions.form.wholeNumber') };
    return { value: Number(text) };
  }
  return { value: text };
}

/** Form state -> args, with client-side errors keyed by path ("tiers.0.offFen"). */
export function stateToArgs(schema: JsonSchemaNode, state: ArgsState, t: (k: string) => string): { args: Record<string, unknown>; errors: ArgErrors } {
  const args: Record<string, unknown> = {};
  const errors: ArgErrors = {};
  const required = new Set(schema.required ?? []);
  for (const [name, node] of Object.entries(schema.properties ?? {})) {
    const v = state[name];
    if (node.type === 'array') {
      const itemNode = node.items ?? {};
      const itemRequired = new Set(itemNode.required ?? []);
      const rows = Array.isArray(v) ? v : [];
      args[name] = rows.map((row, i) => {
        const item: Record<string, unknown> = {};
        for (const [k, n] of Object.entries(itemNode.properties ?? {})) {
          const r = parseScalar(k, n, row[k] ?? '', t);
          if (r.error) errors[`${name}.${i}.${k}`] = [r.error];
          else if (r.value === undefined && itemRequired.has(k)) errors[`${name}.${i}.${k}`] = [t('promotions.form.required')];
          else if (r.value !== undefined) item[k] = r.value;
        }
        return item;
      });
      continue;
    }
    if (node.type === 'boolean') {
      args[name] = v === true;
      continue;
    }
    const r = parseScalar(name, node, typeof v === 'string' ? v : '', t);
    if (r.error) errors[name] = [r.error];
    else if (r.value === undefined && required.has(name) && node.default === undefined) errors[name] = [t('promotions.form.required')];
    else if (r.value !== undefined) args[name] = r.value;
  }
  return { args, errors };
}

interface Props {
  schema: JsonSchemaNode;
  state: ArgsState;
  onChange: (next: ArgsState) => void;
  errors: ArgErrors;
  skus: readonly SkuOption[];
}

export function SchemaArgsFields({ schema, state, onChange, errors, skus }: Props) {
  const { t } = useTranslation();
  const label = (name: string, node: JsonSchemaNode) => {
    const base = t(`promotions.args.${name}`, { defaultValue: node.title ?? name });
    return isFen(name) ? `${base} (¥)` : base;
  };
  const hint = (name: string, node: JsonSchemaNode) => t(`promotions.argsHint.${name}`, { defaultValue: node.description ?? '' }) || undefined;

  const scalar = (name: string, node: JsonSchemaNode, value: string, set: (v: string) => void, errs: string[] | undefined, testId: string) => {
    if (node.enum) {
      return (
        <FormField key={testId} name={name} label={label(name, node)} hint={hint(name, node)} errors={errs}>
          {(control) => (
            <select {...control} data-testid={testId} value={value} onChange={(e) => { set(e.target.value); }}>
              {node.enum!.map((option) => (
                <option key={option} value={option}>
                  {t(`promotions.enum.${option}`, { defaultValue: option })}
                </option>
              ))}
            </select>
          )}
        </FormField>
      );
    }
    if (name.endsWith('SkuId')) {
      return (
        <FormField key={testId} name={name} label={label(name, node)} hint={hint(name, node)} errors={errs} className="span-2">
          {(control) => (
            <select {...control} data-testid={testId} value={value} onChange={(e) => { set(e.target.value); }}>
              <option value="">{t('promotions.form.chooseSku')}</option>
              {skus.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.label}
                </option>
              ))}
            </select>
          )}
        </FormField>
      );
    }
    const numeric = node.type === 'integer' || node.type === 'number';
    return (
      <FormField key={testId} name={name} label={label(name, node)} hint={hint(name, node)} errors={errs}>
        {(control) => (
          <input
            {...control}
            data-testid={testId}
            type="text"
            inputMode={numeric ? (isFen(name) ? 'decimal' : 'numeric') : 'text'}
            value={value}
            onChange={(e) => { set(e.target.value); }}
          />
        )}
      </FormField>
    );
  };

  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([name, node]) => {
        const v = state[name];
        if (node.type === 'array') {
          const rows = Array.isArray(v) ? v : [];
          const itemProps = node.items?.properties ?? {};
          const max = node.maxItems ?? 10;
          const min = node.minItems ?? 0;
          const setRow = (i: number, k: string, value: string) => {
            onChange({ ...state, [name]: rows.map((r, j) => (j === i ? { ...r, [k]: value } : r)) });
          };
          return (
            <fieldset key={name} className="span-2 args-rows" data-testid={`arg-${name}`}>
              <legend className="field-label">{label(name, node)}</legend>
              {errors[name] && <p className="field-errors">{errors[name].join(' ')}</p>}
              {rows.map((row, i) => (
                <div key={i} className="args-row">
                  {Object.entries(itemProps).map(([k, n]) => scalar(k, n, row[k] ?? '', (value) => { setRow(i, k, value); }, errors[`${name}.${i}.${k}`], `arg-${name}-${i}-${k}`))}
                  <button
                    type="button"
                    className="btn btn-sm btn-ghost"
                    disabled={rows.length <= Math.max(1, min)}
                    onClick={() => { onChange({ ...state, [name]: rows.filter((_, j) => j !== i) }); }}
                    aria-label={t('promotions.form.removeRow')}
                  >
                    ✕
                  </button>
                </div>
              ))}
              {rows.length < max && (
                <button type="button" className="btn btn-sm" data-testid={`arg-${name}-add`} onClick={() => { onChange({ ...state, [name]: [...rows, {}] }); }}>
                  {t('promotions.form.addRow')}
                </button>
              )}
            </fieldset>
          );
        }
        if (node.type === 'boolean') {
          return (
            <label key={name} className="chip-checkbox">
              <input type="checkbox" checked={v === true} onChange={(e) => { onChange({ ...state, [name]: e.target.checked }); }} />
              {label(name, node)}
            </label>
          );
        }
        return scalar(name, node, typeof v === 'string' ? v : '', (value) => { onChange({ ...state, [name]: value }); }, errors[name], `arg-${name}`);
      })}
    </>
  );
}
