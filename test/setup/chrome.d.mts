export declare const CHROME_CANDIDATES: string[];
export declare const NO_CHROME: string;
export declare const CHROMIUM_ARGS: string[];
export interface ChromeOptions {
  env?: Record<string, string | undefined>;
  candidates?: string[];
  playwright?: () => Promise<string | undefined>;
}
export declare function locateChrome(options?: ChromeOptions): Promise<{ path: string; via: string; error?: undefined } | { error: string; path?: undefined; via?: undefined }>;
export declare function findChrome(options?: ChromeOptions): Promise<string>;
export declare function chromeOrExit(options?: ChromeOptions): Promise<string>;
