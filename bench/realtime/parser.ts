// The socket.io parser for the load generator's clients, with one change: a plain (non-binary)
// event packet is parsed once per worker process, however many of its clients receive the same
// frame. The server encodes a broadcast once and sends every socket the same string, so 250
// clients in a worker used to JSON.parse the same `changes` batch 250 times: in a profile that
// was most of the load generator's CPU, taken from the cores the app runs on. The clients only
// read what they are given, so sharing the parsed packet is safe.
import { Decoder, Encoder } from 'socket.io-parser';

const CACHE_SIZE = 32;
const cache = new Map<string, unknown>();
/** Packets shorter than this are cheaper to parse than to look up. */
const MIN_CACHED_LENGTH = 256;

type DecodeString = (str: string) => unknown;
const decodeString = (Decoder.prototype as unknown as { decodeString: DecodeString }).decodeString;

class CachingDecoder extends Decoder {
	constructor() {
		super();
		// `decodeString` is private in the typings, so it is replaced per instance.
		(this as unknown as { decodeString: DecodeString }).decodeString = (str: string) => {
			// '2' is a plain EVENT; binary packets ('5') are completed in place, so never shared.
			if (str.length < MIN_CACHED_LENGTH || str[0] !== '2') return decodeString.call(this, str);
			let packet = cache.get(str);
			if (packet === undefined) {
				packet = decodeString.call(this, str);
				cache.set(str, packet);
				if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
			}
			return packet;
		};
	}
}

export const cachingParser = { Encoder, Decoder: CachingDecoder };
