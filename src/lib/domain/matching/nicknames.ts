// Common English nicknames and the given name each stands for, so "Bob Smith" and "Robert
// Smith" compare as one name. A short, hand-kept table: no maintained npm package carries one,
// and a miss here only costs the name's weight, never a wrong merge (merges are reviewed).
const table: Record<string, string[]> = {
	alexander: ['alex', 'sasha', 'xander'],
	alexandra: ['alexa', 'sandra', 'sandy'],
	andrew: ['andy', 'drew'],
	anthony: ['tony'],
	barbara: ['barb', 'babs'],
	benjamin: ['ben', 'benny', 'benji'],
	catherine: ['cathy', 'kate', 'katie', 'cat'],
	charles: ['charlie', 'chuck', 'chas'],
	christopher: ['chris', 'kit', 'topher'],
	daniel: ['dan', 'danny'],
	david: ['dave', 'davey'],
	deborah: ['debbie', 'deb'],
	donald: ['don', 'donny'],
	edward: ['ed', 'eddie', 'ted', 'ned'],
	elizabeth: ['liz', 'beth', 'lisa', 'betty', 'eliza', 'libby'],
	frederick: ['fred', 'freddie'],
	gregory: ['greg'],
	harold: ['harry', 'hal'],
	henry: ['hank'],
	isabella: ['bella', 'izzy'],
	jacob: ['jake'],
	james: ['jim', 'jimmy', 'jamie'],
	jennifer: ['jen', 'jenny'],
	jessica: ['jess', 'jessie'],
	john: ['jack', 'johnny'],
	jonathan: ['jon'],
	joseph: ['joe', 'joey'],
	joshua: ['josh'],
	katherine: ['kathy', 'kat'],
	kenneth: ['ken', 'kenny'],
	lawrence: ['larry'],
	leonard: ['leo', 'leon', 'len'],
	margaret: ['maggie', 'meg', 'peggy', 'marge'],
	matthew: ['matt'],
	michael: ['mike', 'mikey', 'mick'],
	nicholas: ['nick', 'nicky'],
	patricia: ['pat', 'patty', 'trish'],
	patrick: ['paddy'],
	peter: ['pete'],
	philip: ['phil'],
	rebecca: ['becky', 'becca'],
	richard: ['rick', 'rich', 'dick', 'ricky'],
	robert: ['bob', 'rob', 'bobby', 'robbie', 'bert'],
	ronald: ['ron', 'ronnie'],
	samuel: ['sam', 'sammy'],
	stephen: ['steve', 'stevie'],
	steven: ['steve'],
	susan: ['sue', 'susie'],
	theodore: ['theo', 'teddy'],
	thomas: ['tom', 'tommy'],
	timothy: ['tim', 'timmy'],
	victoria: ['vicky', 'tori'],
	william: ['bill', 'will', 'billy', 'liam', 'willy']
};

const canonical = new Map<string, string>();
for (const [name, nicknames] of Object.entries(table)) {
	for (const nickname of nicknames) if (!canonical.has(nickname)) canonical.set(nickname, name);
}

/** The given name a nickname stands for, or the token itself ("bob" → "robert"). */
export function canonicalFirstName(token: string): string {
	return canonical.get(token) ?? token;
}
