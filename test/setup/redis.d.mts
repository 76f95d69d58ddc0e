export declare const DEFAULT_REDIS_URL: string;
export declare function redisUrl(): string;
export declare function probeRedis(url?: string, timeoutMs?: number): Promise<{ ok: true; reason?: undefined } | { ok: false; reason: string }>;
export declare function redisSkip(url?: string): Promise<string | false>;
export declare function describeRedis(url?: string): Promise<string>;
