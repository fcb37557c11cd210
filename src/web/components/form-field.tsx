import { useId, type InputHTMLAttributes, type ReactElement, type ReactNode } from 'react';

export interface FieldControlProps {
  id: string;
  'aria-invalid': boolean;
  'aria-describedby': string | undefined;
}

interface FieldFrameProps {
  /** Name used for test ids and for matching server issues. */
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[];
  className?: string;
}

interface FormFieldProps extends FieldFrameProps {
  children: (control: FieldControlProps) => ReactElement;
}

/** Label, control, hint and per-field errors wired together for screen readers. */
export function FormField({ name, label, hint, errors = [], className, children }: FormFieldProps) {
  const id = useId();
  const hintId = hint ? `${id}-hint` : undefined;
  const errorId = errors.length > 0 ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(' ') || undefined;
  return (
    <div className={['field', errors.length > 0 ? 'field-invalid' : '', className ?? ''].join(' ').trim()}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {children({ id, 'aria-invalid': errors.length > 0, 'aria-describedby': describedBy })}
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      {errors.length > 0 && (
        <ul id={errorId} className="field-errors" data-testid={`field-error-${name}`}>
          {errors.map((message, i) => (
            <li key={i}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

type InputAttributes = Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'id' | 'name' | 'value' | 'onChange' | 'className' | 'children' | 'aria-invalid' | 'aria-describedby'
>;

interface InputFieldProps extends FieldFrameProps, InputAttributes {
  testId: string;
  value: string;
  onValueChange: (value: string) => void;
  /** Also give the input `name` as its HTML name (helps password managers spot a sign-in form). */
  named?: boolean;
}

/** A `FormField` around a controlled `<input>`; other input attributes pass through. */
export function InputField({
  name,
  label,
  hint,
  errors,
  className,
  testId,
  value,
  onValueChange,
  named = false,
  ...inputProps
}: InputFieldProps) {
  return (
    <FormField name={name} label={label} hint={hint} errors={errors} className={className}>
      {(control) => (
        <input
          {...control}
          {...inputProps}
          name={named ? name : undefined}
          data-testid={testId}
          value={value}
          onChange={(event) => { onValueChange(event.target.value); }}
        />
      )}
    </FormField>
  );
}

interface SelectFieldProps<V extends string> extends FieldFrameProps {
  testId: string;
  value: V;
  options: readonly V[];
  optionLabel: (value: V) => string;
  onValueChange: (value: V) => void;
}

/** A `FormField` around a controlled `<select>` offering `options`. */
export function SelectField<V extends string>(props: SelectFieldProps<V>) {
  const { testId, value, options, optionLabel, onValueChange, ...frame } = props;
  return (
    <FormField {...frame}>
      {(control) => (
        <select
          {...control}
          data-testid={testId}
          value={value}
          onChange={(event) => { onValueChange(event.target.value as V); }}
        >
          {options.map((option) => (
            <option key={option} value={option}>
              {optionLabel(option)}
            </option>
          ))}
        </select>
      )}
    </FormField>
  );
}

export function FormError({ message, testId = 'form-error' }: { message: string | null; testId?: string }) {
  if (!message) return null;
  return (
    <div className="form-error" role="alert" data-testid={testId}>
      {message}
    </div>
  );
}
