import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { maskAddress, maskName, maskPhone } from './address-mask.js';

describe('address masking', () => {
  it('shows the first character, 3+4 phone digits and the region, never the street', () => {
    expect(maskAddress({ name: '张三', phone: '13812345678', region: '广东省深圳市', street: '南山区科技园1号' })).toBe('张* 138****5678 广东省深圳市…');
    expect(maskName('欧阳娜娜')).toBe('欧***');
    expect(maskName('Li')).toBe('L*');
    expect(maskPhone('+86 138-1234-5678')).toBe('861******5678');
    expect(maskPhone('12345')).toBe('*****');
  });

  it('never contains the street or the full phone number', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 10 }), fc.stringMatching(/^1[3-9][0-9]{9}$/), fc.string({ minLength: 4, maxLength: 30 }), (name, phone, street) => {
        const street2 = `STREET-${street}`;
        const m = maskAddress({ name, phone, region: 'Region', street: street2 });
        expect(m).not.toContain(street2);
        expect(m).not.toContain(phone);
      }),
    );
  });
});
