// Every attribute kind's UI by name: how a grid cell, a board card and the record page show it,
// how the grid and the record page edit it, and its settings in the schema editor. Surfaces render `kindViews[field.kind]` and
// never ask which kind they hold; a new kind fails to compile until it has an entry here, the
// same shape as the domain's registry ($lib/domain/attributes/registry.ts).
import type { AttributeKindName } from '$lib/domain/attributes/kind';
import AttachmentCard from './attachment/AttachmentCard.svelte';
import AttachmentCell from './attachment/AttachmentCell.svelte';
import AttachmentDisplay from './attachment/AttachmentDisplay.svelte';
import AttachmentInput from './attachment/AttachmentInput.svelte';
import AttachmentPicker from './attachment/AttachmentPicker.svelte';
import CheckboxCard from './checkbox/CheckboxCard.svelte';
import CheckboxCell from './checkbox/CheckboxCell.svelte';
import CheckboxDisplay from './checkbox/CheckboxDisplay.svelte';
import CheckboxInput from './checkbox/CheckboxInput.svelte';
import ChoiceCard from './choice/ChoiceCard.svelte';
import ChoiceCell from './choice/ChoiceCell.svelte';
import ChoiceDisplay from './choice/ChoiceDisplay.svelte';
import ChoicePicker from './choice/ChoicePicker.svelte';
import ChoicesCell from './choice/ChoicesCell.svelte';
import ChoicesOptions from './choice/ChoicesOptions.svelte';
import MultiSelectInput from './choice/MultiSelectInput.svelte';
import SingleSelectInput from './choice/SingleSelectInput.svelte';
import DateCard from './date/DateCard.svelte';
import DateCell from './date/DateCell.svelte';
import DateEditor from './date/DateEditor.svelte';
import DateInput from './date/DateInput.svelte';
import DatetimeInput from './datetime/DatetimeInput.svelte';
import DatetimeOptions from './datetime/DatetimeOptions.svelte';
import {
	describeCheckbox,
	describeFiles,
	describeLinks,
	describeMember,
	describeRating
} from './describers';
import LongTextCard from './long-text/LongTextCard.svelte';
import LongTextCell from './long-text/LongTextCell.svelte';
import LongTextDisplay from './long-text/LongTextDisplay.svelte';
import LongTextInput from './long-text/LongTextInput.svelte';
import CurrencyOptions from './number/CurrencyOptions.svelte';
import LimitsOptions from './number/LimitsOptions.svelte';
import NumberCell from './number/NumberCell.svelte';
import NumberDisplay from './number/NumberDisplay.svelte';
import RatingCard from './rating/RatingCard.svelte';
import RatingCell from './rating/RatingCell.svelte';
import RatingDisplay from './rating/RatingDisplay.svelte';
import RatingEditor from './rating/RatingEditor.svelte';
import RatingInput from './rating/RatingInput.svelte';
import RelationCard from './relation/RelationCard.svelte';
import RelationCell from './relation/RelationCell.svelte';
import RelationDisplay from './relation/RelationDisplay.svelte';
import RelationInput from './relation/RelationInput.svelte';
import RelationOptions from './relation/RelationOptions.svelte';
import RelationPicker from './relation/RelationPicker.svelte';
import StampCell from './stamp/StampCell.svelte';
import PlainDisplay from './text/PlainDisplay.svelte';
import TextCard from './text/TextCard.svelte';
import TextCell from './text/TextCell.svelte';
import TextInput from './text/TextInput.svelte';
import type { KindView, NumberSetting } from './types';
import UrlCell from './url/UrlCell.svelte';
import UrlDisplay from './url/UrlDisplay.svelte';
import UserCard from './user/UserCard.svelte';
import UserCell from './user/UserCell.svelte';
import UserDisplay from './user/UserDisplay.svelte';
import UserInput from './user/UserInput.svelte';

/** What most kinds share: typed into a text box, shown as formatted text. */
const typed = {
	Card: TextCard,
	Display: PlainDisplay,
	isWide: false,
	hasLabelledInput: true,
	Picker: null,
	isTypedOverPicker: false,
	inputMode: 'text',
	isMultiline: false,
	isAlignedEnd: false,
	isToggle: false,
	Options: null,
	settings: [],
	choices: null,
	isConvertible: true,
	sortWords: ['A → Z', 'Z → A'],
	isPerson: false
} satisfies Partial<KindView>;

const numberOrder: KindView['sortWords'] = ['1 → 9', '9 → 1'];
const timeOrder: KindView['sortWords'] = ['Old → new', 'New → old'];

const decimalPlaces = (placeholder: string): NumberSetting => ({
	key: 'precision',
	label: 'Decimal places',
	min: 0,
	max: 10,
	placeholder
});

/** Numbers: a decimal keyboard, digits lined up at the end of a cell. */
const numeric = {
	...typed,
	Cell: NumberCell,
	Input: TextInput,
	inputMode: 'decimal',
	isAlignedEnd: true,
	sortWords: numberOrder
} satisfies KindView;

/** Kinds the server fills in (number, created and updated): shown, never typed. */
const computed = { Input: null, hasLabelledInput: false } satisfies Partial<KindView>;

/** People: an avatar and name everywhere. */
const person = {
	...typed,
	Cell: UserCell,
	Card: UserCard,
	Display: UserDisplay,
	describe: describeMember,
	isPerson: true
} satisfies Partial<KindView>;

const registry = {
	text: {
		...typed,
		Cell: TextCell,
		Input: TextInput,
		Options: LimitsOptions,
		settings: [
			{ key: 'maxLength', label: 'Maximum length', min: 1, max: 100000, placeholder: '10000' }
		]
	},
	long_text: {
		...typed,
		isWide: true,
		Cell: LongTextCell,
		Card: LongTextCard,
		Display: LongTextDisplay,
		Input: LongTextInput,
		isMultiline: true,
		Options: LimitsOptions,
		settings: [
			{ key: 'maxLength', label: 'Maximum length', min: 1, max: 1000000, placeholder: '100000' }
		]
	},
	number: {
		...numeric,
		Display: NumberDisplay,
		Options: LimitsOptions,
		settings: [
			decimalPlaces('Any'),
			{ key: 'min', label: 'Minimum', placeholder: 'None' },
			{ key: 'max', label: 'Maximum', placeholder: 'None' }
		]
	},
	currency: {
		...numeric,
		Display: NumberDisplay,
		Options: CurrencyOptions,
		settings: [decimalPlaces('2')]
	},
	percent: { ...numeric, Options: LimitsOptions, settings: [decimalPlaces('Any')] },
	date: {
		...typed,
		Cell: DateCell,
		Card: DateCard,
		Input: DateInput,
		Picker: DateEditor,
		sortWords: timeOrder
	},
	datetime: {
		...typed,
		Cell: DateCell,
		Input: DatetimeInput,
		Options: DatetimeOptions,
		sortWords: timeOrder
	},
	checkbox: {
		...typed,
		isToggle: true,
		Cell: CheckboxCell,
		Card: CheckboxCard,
		Display: CheckboxDisplay,
		Input: CheckboxInput,
		describe: describeCheckbox,
		sortWords: ['☐ → ☑', '☑ → ☐']
	},
	single_select: {
		...typed,
		Cell: ChoiceCell,
		Card: ChoiceCard,
		Display: ChoiceDisplay,
		Input: SingleSelectInput,
		hasLabelledInput: false,
		Picker: ChoicePicker,
		Options: ChoicesOptions,
		choices: 'one'
	},
	multi_select: {
		...typed,
		isWide: true,
		Cell: ChoicesCell,
		Card: ChoiceCard,
		Display: ChoiceDisplay,
		Input: MultiSelectInput,
		hasLabelledInput: false,
		Picker: ChoicePicker,
		Options: ChoicesOptions,
		choices: 'many'
	},
	email: { ...typed, Cell: TextCell, Input: TextInput, inputMode: 'email' },
	phone: { ...typed, Cell: TextCell, Input: TextInput, inputMode: 'tel' },
	url: { ...typed, Cell: UrlCell, Display: UrlDisplay, Input: TextInput, inputMode: 'url' },
	user: { ...person, Input: UserInput, hasLabelledInput: false, Picker: ChoicePicker },
	relation: {
		...typed,
		isWide: true,
		Cell: RelationCell,
		Card: RelationCard,
		Display: RelationDisplay,
		Input: RelationInput,
		hasLabelledInput: false,
		Picker: RelationPicker,
		describe: describeLinks,
		Options: RelationOptions,
		isConvertible: false
	},
	attachment: {
		...typed,
		isWide: true,
		Cell: AttachmentCell,
		Card: AttachmentCard,
		Display: AttachmentDisplay,
		Input: AttachmentInput,
		hasLabelledInput: false,
		Picker: AttachmentPicker,
		describe: describeFiles,
		Options: LimitsOptions,
		settings: [
			{ key: 'maxFiles', label: 'Most files per record', min: 1, max: 100, placeholder: 'No limit' }
		]
	},
	rating: {
		...typed,
		Cell: RatingCell,
		Card: RatingCard,
		Display: RatingDisplay,
		Input: RatingInput,
		hasLabelledInput: false,
		Picker: RatingEditor,
		isTypedOverPicker: true,
		describe: describeRating,
		Options: LimitsOptions,
		settings: [{ key: 'max', label: 'Highest rating', min: 1, max: 10, placeholder: '5' }],
		sortWords: numberOrder
	},
	auto_number: { ...numeric, ...computed },
	created_at: { ...typed, ...computed, Cell: StampCell, sortWords: timeOrder },
	created_by: { ...person, ...computed },
	updated_at: { ...typed, ...computed, Cell: StampCell, sortWords: timeOrder },
	updated_by: { ...person, ...computed }
} satisfies Record<AttributeKindName, KindView>;

export const kindViews: Record<AttributeKindName, KindView> = registry;

/** Whether editing this cell opens the kind's picker rather than the text box. */
export const opensPicker = (kind: AttributeKindName, initialText: string | null) =>
	kindViews[kind].Picker !== null && !(kindViews[kind].isTypedOverPicker && initialText !== null);
