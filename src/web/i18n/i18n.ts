import i18n from 'i18next';
import LanguageDetector from 'i18next-browser-languagedetector';
import { initReactI18next } from 'react-i18next';
import { analyticsTexts } from '../../contracts/analytics-texts';
import en from './en.json';
import zhCN from './zh-CN.json';

type Bundle = Record<string, unknown>;
// Feature bundles (features/<feature>.<lang>.json) each add their own top-level sections.
const features = import.meta.glob<Bundle>('./features/*.json', { eager: true, import: 'default' });
function withFeatures(base: Bundle, lang: string): Bundle {
  // Metric names, hints and personas are shared with the server's printable report.
  const out: Bundle = { ...base, analytics: analyticsTexts[lang === 'zh-CN' ? 'zh-CN' : 'en'] };
  for (const [path, bundle] of Object.entries(features)) {
    if (path.endsWith(`.${lang}.json`)) Object.assign(out, bundle);
  }
  return out;
}

export const SUPPORTED_LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];
export const LANGUAGE_STORAGE_KEY = 'onair.lang';

// Browsers report zh, zh-Hans, zh-SG, en-GB…; fold them onto the two bundles
// we ship so a Chinese browser does not silently fall back to English.
function toSupportedLanguage(lng: string): string {
  const lower = lng.toLowerCase();
  if (lower.startsWith('zh')) return 'zh-CN';
  if (lower.startsWith('en')) return 'en';
  return lng;
}

export function currentLanguage(): Language {
  return i18n.resolvedLanguage === 'zh-CN' ? 'zh-CN' : 'en';
}

function syncDocumentLanguage(lng: string): void {
  if (typeof document !== 'undefined') document.documentElement.lang = lng === 'zh-CN' ? 'zh-CN' : 'en';
}

i18n.on('languageChanged', syncDocumentLanguage);

void i18n
  .use(LanguageDetector)
  .use(initReactI18next)
  .init({
    resources: {
      en: { translation: withFeatures(en, 'en') },
      'zh-CN': { translation: withFeatures(zhCN, 'zh-CN') },
    },
    fallbackLng: 'en',
    supportedLngs: [...SUPPORTED_LANGUAGES],
    load: 'currentOnly',
    // Resources are bundled, so initialise synchronously and never suspend the first render.
    initAsync: false,
    // React already escapes text content; escaping twice would show &amp; etc.
    interpolation: { escapeValue: false },
    detection: {
      order: ['localStorage', 'navigator'],
      lookupLocalStorage: LANGUAGE_STORAGE_KEY,
      caches: ['localStorage'],
      convertDetectedLanguage: toSupportedLanguage,
    },
    react: { useSuspense: false },
  });

syncDocumentLanguage(currentLanguage());

export async function setLanguage(lng: Language): Promise<void> {
  await i18n.changeLanguage(lng);
  // The detector caches on change too, but write explicitly so the choice
  // survives even if detector caching is ever reconfigured.
  try {
    localStorage.setItem(LANGUAGE_STORAGE_KEY, lng);
  } catch {
    // Storage can be unavailable (private mode, quota); the switch still works for this page.
  }
}

export default i18n;
