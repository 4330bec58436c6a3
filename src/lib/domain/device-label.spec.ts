import { describe, expect, it } from 'vitest';
import { deviceLabel } from './device-label';

describe('deviceLabel', () => {
	it('names the browser and the system of common user agents', () => {
		expect(
			deviceLabel(
				'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15'
			)
		).toBe('Safari on macOS');
		expect(
			deviceLabel(
				'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36 Edg/124.0'
			)
		).toBe('Edge on Windows');
		expect(
			deviceLabel(
				'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36'
			)
		).toBe('Chrome on Android');
		expect(
			deviceLabel('Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0')
		).toBe('Firefox on Linux');
		expect(
			deviceLabel(
				'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0 Mobile/15E148 Safari/604.1'
			)
		).toBe('Chrome on iPhone');
	});

	it('falls back to the client’s own product name, or says it does not know', () => {
		expect(deviceLabel('curl/8.5.0')).toBe('curl');
		expect(deviceLabel('')).toBe('Unknown device');
		expect(deviceLabel(null)).toBe('Unknown device');
	});
});
