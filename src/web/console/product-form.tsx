import { useState, type SubmitEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../api/api-client';
import { catalogApi, fenToYuanInput, yuanToFen, type CatalogProduct } from '../api/catalog-api';
import { FormError, FormField, InputField } from '../components/form-field';
import { ModalDialog } from '../components/modal-dialog';
import { useFormErrors } from '../hooks/use-form-errors';

type Field = 'title' | 'description' | 'brandId' | 'category' | 'tags' | 'images' | 'skus';
const FIELDS: readonly Field[] = ['title', 'description', 'brandId', 'category', 'tags', 'images', 'skus'];

interface SkuRow {
  key: string;
  id?: string;
  code: string;
  name: string;
  attrs: string;
  price: string;
  stock: string;
  /** The stock this form loaded (a sale since then makes the server refuse a stock change). */
  loadedStock?: number;
}
type SkuErrors = Partial<Record<'code' | 'name' | 'attrs' | 'price' | 'stock', string[]>>;

let rowSeq = 0;
const newRow = (): SkuRow => ({ key: `new-${++rowSeq}`, code: '', name: '', attrs: '', price: '', stock: '0' });
const attrsToText = (attrs: Record<string, string>) =>
  Object.entries(attrs)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ');
function textToAttrs(text: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  for (const part of text.split(/[,，]/).map((p) => p.trim()).filter(Boolean)) {
    const at = part.search(/[=:：]/);
    if (at <= 0) return null;
    out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}
const splitList = (text: string, sep: RegExp) =>
  text
    .split(sep)
    .map((s) => s.trim())
    .filter(Boolean);

interface ProductFormProps {
  /** Edit this product; without it the form creates one. */
  product?: CatalogProduct;
  brands: { id: string; name: string }[];
  onSaved: (product: CatalogProduct, created: boolean) => void;
  onClose: () => void;
}

/** Create or edit a product and its SKU rows (prices typed in yuan, sent as integer fen). */
export function ProductFormDialog({ product, brands, onSaved, onClose }: ProductFormProps) {
  const { t } = useTranslation();
  const [title, setTitle] = useState(product?.title ?? '');
  const [description, setDescription] = useState(product?.description ?? '');
  const [brandId, setBrandId] = useState(product?.brandId ?? brands[0]?.id ?? '');
  const [category, setCategory] = useState(product?.category ?? '');
  const [tags, setTags] = useState((product?.tags ?? []).join(', '));
  const [images, setImages] = useState((product?.images ?? []).join('\n'));
  const [archived, setArchived] = useState(product?.archived ?? false);
  const [rows, setRows] = useState<SkuRow[]>(
    product
      ? product.skus.map((s) => ({ key: s.id, id: s.id, code: s.code, name: s.name, attrs: attrsToText(s.attrs), price: fenToYuanInput(s.priceFen), stock: String(s.stock), loadedStock: s.stock }))
      : [newRow()],
  );
  const [skuErrors, setSkuErrors] = useState<SkuErrors[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const { fieldErrors, formError, setFieldErrors, clearErrors, showError } = useFormErrors(FIELDS);

  const update = (key: string, patch: Partial<SkuRow>) => { setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r))); };

  const serverSkuErrors = (error: unknown): SkuErrors[] => {
    if (!isApiError(error)) return [];
    const out: SkuErrors[] = [];
    for (const issue of error.issues) {
      const m = /skus\.(\d+)\.(code|name|attrs|priceFen|stock|id)/.exec(issue.path);
      if (!m) continue;
      const i = Number(m[1]);
      const field = m[2] === 'priceFen' ? 'price' : m[2] === 'id' ? 'code' : (m[2] as keyof SkuErrors);
      out[i] ??= {};
      (out[i][field] ??= []).push(issue.message);
    }
    return out;
  };

  const handleSubmit = async (event: SubmitEvent<HTMLFormElement>) => {
    event.preventDefault();
    clearErrors();
    setSkuErrors([]);
    const local: SkuErrors[] = [];
    const skus = rows.map((r, i) => {
      const errs: SkuErrors = {};
      const priceFen = yuanToFen(r.price);
      const stock = /^\d{1,8}$/.test(r.stock.trim()) ? Number(r.stock.trim()) : null;
      const attrs = textToAttrs(r.attrs);
      if (!r.code.trim()) errs.code = [t('shelf.catalog.required')];
      else if (!/^[A-Za-z0-9._-]+$/.test(r.code.trim())) errs.code = [t('shelf.catalog.codeInvalid')];
      if (!r.name.trim()) errs.name = [t('shelf.catalog.required')];
      if (priceFen === null) errs.price = [t('shelf.catalog.priceInvalid')];
      if (stock === null) errs.stock = [t('shelf.catalog.stockInvalid')];
      if (attrs === null) errs.attrs = [t('shelf.catalog.attrsInvalid')];
      if (Object.keys(errs).length) local[i] = errs;
      return {
        ...(r.id ? { id: r.id } : {}),
        code: r.code.trim(),
        name: r.name.trim(),
        attrs: attrs ?? {},
        priceFen: priceFen ?? 0,
        currency: 'CNY' as const,
        stock: stock ?? 0,
        ...(r.loadedStock !== undefined ? { expectedStock: r.loadedStock } : {}),
      };
    });
    const codes = skus.map((s) => s.code);
    codes.forEach((c, i) => {
      if (c && codes.indexOf(c) !== i) (local[i] ??= {}).code = [t('shelf.catalog.codeTwice')];
    });
    const fieldErrs: Partial<Record<Field, string[]>> = {};
    if (!title.trim()) fieldErrs.title = [t('shelf.catalog.required')];
    const imageList = splitList(images, /\n/);
    if (imageList.some((u) => !/^(https?:\/\/\S+|\/\S*)$/.test(u))) fieldErrs.images = [t('shelf.catalog.imagesInvalid')];
    if (rows.length === 0) fieldErrs.skus = [t('shelf.catalog.needSku')];
    if (local.some(Boolean) || Object.keys(fieldErrs).length) {
      setSkuErrors(local);
      setFieldErrors(fieldErrs);
      return;
    }
    const fields = {
      title: title.trim(),
      description: description.trim(),
      brandId: brandId || null,
      category: category.trim(),
      tags: splitList(tags, /[,，]/),
      images: imageList,
    };
    setSubmitting(true);
    try {
      if (!product) {
        const created = await catalogApi.createProduct({ ...fields, skus: skus.map(({ expectedStock: _e, id: _i, ...s }) => s) });
        onSaved(created, true);
      } else {
        // One request: the server saves the fields and the SKU list in one transaction, so a
        // refused SKU list never leaves the product half saved.
        const saved = await catalogApi.updateProduct(product.id, { ...fields, archived, skus });
        onSaved(saved, false);
      }
    } catch (error) {
      showError(error);
      setSkuErrors(serverSkuErrors(error));
      setSubmitting(false);
    }
  };

  return (
    <ModalDialog title={product ? t('shelf.catalog.editTitle') : t('shelf.catalog.createTitle')} onClose={onClose} testId="product-form-dialog">
      <form className="product-form" noValidate data-testid="product-form" onSubmit={(event) => void handleSubmit(event)}>
        <div className="form-grid">
          <InputField type="text" className="span-2" name="title" label={t('shelf.catalog.field.title')} testId="product-title" value={title} onValueChange={setTitle} errors={fieldErrors.title} maxLength={120} />
          <FormField className="span-2" name="description" label={t('shelf.catalog.field.description')} errors={fieldErrors.description}>
            {(control) => <textarea {...control} data-testid="product-description" rows={3} maxLength={4000} value={description} onChange={(e) => { setDescription(e.target.value); }} />}
          </FormField>
          <FormField name="brandId" label={t('shelf.catalog.field.brand')} errors={fieldErrors.brandId}>
            {(control) => (
              <select {...control} data-testid="product-brand" value={brandId} onChange={(e) => { setBrandId(e.target.value); }}>
                <option value="">{t('shelf.catalog.noBrand')}</option>
                {brands.map((b) => (
                  <option key={b.id} value={b.id}>
                    {b.name}
                  </option>
                ))}
              </select>
            )}
          </FormField>
          <InputField type="text" name="category" label={t('shelf.catalog.field.category')} testId="product-category" value={category} onValueChange={setCategory} errors={fieldErrors.category} maxLength={60} />
          <InputField type="text" className="span-2" name="tags" label={t('shelf.catalog.field.tags')} hint={t('shelf.catalog.tagsHint')} testId="product-tags" value={tags} onValueChange={setTags} errors={fieldErrors.tags} />
          <FormField className="span-2" name="images" label={t('shelf.catalog.field.images')} hint={t('shelf.catalog.imagesHint')} errors={fieldErrors.images}>
            {(control) => <textarea {...control} data-testid="product-images" rows={2} value={images} onChange={(e) => { setImages(e.target.value); }} />}
          </FormField>
          {product && (
            <label className="check-row span-2">
              <input type="checkbox" data-testid="product-archived" checked={archived} onChange={(e) => { setArchived(e.target.checked); }} />
              <span>{t('shelf.catalog.archivedLabel')}</span>
            </label>
          )}
        </div>

        <fieldset className="sku-editor" data-testid="sku-editor">
          <legend>{t('shelf.catalog.skus')}</legend>
          <p className="muted small">{t('shelf.catalog.skusHint')}</p>
          {fieldErrors.skus && <p className="field-errors">{fieldErrors.skus.join(' ')}</p>}
          {rows.map((r, i) => {
            const e = skuErrors[i] ?? {};
            return (
              <div className="sku-edit-row" key={r.key} data-testid="sku-edit-row">
                <InputField type="text" name={`skus.${i}.code`} label={t('shelf.catalog.field.code')} testId="sku-code" value={r.code} onValueChange={(v) => { update(r.key, { code: v }); }} errors={e.code} maxLength={64} />
                <InputField type="text" name={`skus.${i}.name`} label={t('shelf.catalog.field.skuName')} testId="sku-name" value={r.name} onValueChange={(v) => { update(r.key, { name: v }); }} errors={e.name} maxLength={80} />
                <InputField type="text" name={`skus.${i}.attrs`} label={t('shelf.catalog.field.attrs')} placeholder="size=100g" testId="sku-attrs" value={r.attrs} onValueChange={(v) => { update(r.key, { attrs: v }); }} errors={e.attrs} />
                <InputField type="text" name={`skus.${i}.price`} label={t('shelf.catalog.field.price')} inputMode="decimal" testId="sku-price-input" value={r.price} onValueChange={(v) => { update(r.key, { price: v }); }} errors={e.price} />
                <InputField type="text" name={`skus.${i}.stock`} label={t('shelf.catalog.field.stock')} inputMode="numeric" testId="sku-stock-input" value={r.stock} onValueChange={(v) => { update(r.key, { stock: v }); }} errors={e.stock} />
                {!r.id && rows.length > 1 && (
                  <button type="button" className="btn btn-ghost btn-sm sku-remove" onClick={() => { setRows((rs) => rs.filter((x) => x.key !== r.key)); }}>
                    {t('shelf.catalog.removeSku')}
                  </button>
                )}
              </div>
            );
          })}
          <button type="button" className="btn btn-sm" data-testid="sku-add" onClick={() => { setRows((rs) => [...rs, newRow()]); }}>
            + {t('shelf.catalog.addSku')}
          </button>
        </fieldset>

        <FormError message={formError} />
        <div className="form-actions">
          <button type="button" className="btn btn-ghost" onClick={onClose}>
            {t('shelf.common.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={submitting} data-testid="product-save">
            {submitting ? t('shelf.common.saving') : t('shelf.common.save')}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
