// The space's locale for components that are not handed a field with it (board cards): the space
// layout sets it once, and what is shown below reads it. Outside a space: en-US.
import { createContext } from 'svelte';
import { DEFAULT_LOCALE, type SpaceLocale } from '$lib/domain/locale';

const [getSpaceLocale, setSpaceLocale, hasSpaceLocale] = createContext<() => SpaceLocale>();

export { setSpaceLocale };

/** The current space's locale, as a getter (call it inside a component's script). */
export function useSpaceLocale(): () => SpaceLocale {
	if (hasSpaceLocale()) return getSpaceLocale();
	return () => ({ locale: DEFAULT_LOCALE, weekStart: null });
}
