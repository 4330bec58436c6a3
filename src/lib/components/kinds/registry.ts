// Every attribute kind's UI by name: how a grid cell, a board card and the record page show it,
// and how the grid and the record page edit it. Surfaces render `kindViews[field.kind]` and
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
import ChoicesCell from './choice/ChoicesCell.svelte';
import MultiSelectInput from './choice/MultiSelectInput.svelte';
import MultiSelectPicker from './choice/MultiSelectPicker.svelte';
import SingleSelectInput from './choice/SingleSelectInput.svelte';
import SingleSelectPicker from './choice/SingleSelectPicker.svelte';
import DateCard from './date/DateCard.svelte';
import DateCell from './date/DateCell.svelte';
import DateEditor from './date/DateEditor.svelte';
import DateInput from './date/DateInput.svelte';
import DatetimeInput from './datetime/DatetimeInput.svelte';
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
import RelationPicker from './relation/RelationPicker.svelte';
import StampCell from './stamp/StampCell.svelte';
import PlainDisplay from './text/PlainDisplay.svelte';
import TextCard from './text/TextCard.svelte';
import TextCell from './text/TextCell.svelte';
import TextInput from './text/TextInput.svelte';
import type { KindView } from './types';
import UrlCell from './url/UrlCell.svelte';
import UrlDisplay from './url/UrlDisplay.svelte';
import UserCard from './user/UserCard.svelte';
import UserCell from './user/UserCell.svelte';
import UserDisplay from './user/UserDisplay.svelte';
import UserInput from './user/UserInput.svelte';
import UserPicker from './user/UserPicker.svelte';

/** What most kinds share: typed into a text box, shown as formatted text. */
const typed = {
	Card: TextCard,
	Display: PlainDisplay,
	hasLabelledInput: true,
	Picker: null,
	isTypedOverPicker: false,
	inputMode: 'text',
	isMultiline: false,
	isAlignedEnd: false
} satisfies Partial<KindView>;

/** Numbers: a decimal keyboard, digits lined up at the end of a cell. */
const numeric = {
	...typed,
	Cell: NumberCell,
	Input: TextInput,
	inputMode: 'decimal',
	isAlignedEnd: true
} satisfies KindView;

/** Kinds the server fills in (number, created and updated): shown, never typed. */
const computed = { Input: null, hasLabelledInput: false } satisfies Partial<KindView>;

/** People: an avatar and name everywhere. */
const person = {
	...typed,
	Cell: UserCell,
	Card: UserCard,
	Display: UserDisplay,
	describe: describeMember
} satisfies Partial<KindView>;

const registry = {
	text: { ...typed, Cell: TextCell, Input: TextInput },
	long_text: {
		...typed,
		Cell: LongTextCell,
		Card: LongTextCard,
		Display: LongTextDisplay,
		Input: LongTextInput,
		isMultiline: true
	},
	number: { ...numeric, Display: NumberDisplay },
	currency: { ...numeric, Display: NumberDisplay },
	percent: numeric,
	date: { ...typed, Cell: DateCell, Card: DateCard, Input: DateInput, Picker: DateEditor },
	datetime: { ...typed, Cell: DateCell, Input: DatetimeInput },
	checkbox: {
		...typed,
		Cell: CheckboxCell,
		Card: CheckboxCard,
		Display: CheckboxDisplay,
		Input: CheckboxInput,
		describe: describeCheckbox
	},
	single_select: {
		...typed,
		Cell: ChoiceCell,
		Card: ChoiceCard,
		Display: ChoiceDisplay,
		Input: SingleSelectInput,
		hasLabelledInput: false,
		Picker: SingleSelectPicker
	},
	multi_select: {
		...typed,
		Cell: ChoicesCell,
		Card: ChoiceCard,
		Display: ChoiceDisplay,
		Input: MultiSelectInput,
		hasLabelledInput: false,
		Picker: MultiSelectPicker
	},
	email: { ...typed, Cell: TextCell, Input: TextInput, inputMode: 'email' },
	phone: { ...typed, Cell: TextCell, Input: TextInput, inputMode: 'tel' },
	url: { ...typed, Cell: UrlCell, Display: UrlDisplay, Input: TextInput, inputMode: 'url' },
	user: { ...person, Input: UserInput, hasLabelledInput: false, Picker: UserPicker },
	relation: {
		...typed,
		Cell: RelationCell,
		Card: RelationCard,
		Display: RelationDisplay,
		Input: RelationInput,
		hasLabelledInput: false,
		Picker: RelationPicker,
		describe: describeLinks
	},
	attachment: {
		...typed,
		Cell: AttachmentCell,
		Card: AttachmentCard,
		Display: AttachmentDisplay,
		Input: AttachmentInput,
		hasLabelledInput: false,
		Picker: AttachmentPicker,
		describe: describeFiles
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
		describe: describeRating
	},
	auto_number: { ...numeric, ...computed },
	created_at: { ...typed, ...computed, Cell: StampCell },
	created_by: { ...person, ...computed },
	updated_at: { ...typed, ...computed, Cell: StampCell },
	updated_by: { ...person, ...computed }
} satisfies Record<AttributeKindName, KindView>;

export const kindViews: Record<AttributeKindName, KindView> = registry;

/** Whether editing this cell opens the kind's picker rather than the text box. */
export const opensPicker = (kind: AttributeKindName, initialText: string | null) =>
	kindViews[kind].Picker !== null && !(kindViews[kind].isTypedOverPicker && initialText !== null);
