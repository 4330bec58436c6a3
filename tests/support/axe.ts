// axe-core (the engine behind Lighthouse's accessibility audit) run inside a page: the WCAG 2.x
// A and AA rules, which include colour contrast, names and labels, and valid ARIA.
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface Violation {
	id: string;
	impact: string | null;
	nodes: { target: string[] }[];
}

/** The page's WCAG A and AA violations as it is now, one line per element (three per rule). */
export async function audit(page: Page): Promise<string[]> {
	await page.addScriptTag({ path: AXE_PATH });
	const violations = await page.evaluate(async () => {
		const axe = (window as unknown as { axe: { run: (...args: unknown[]) => Promise<unknown> } })
			.axe;
		const result = (await axe.run(document, {
			runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }
		})) as { violations: Violation[] };
		return result.violations;
	});
	return violations.flatMap((violation) =>
		violation.nodes
			.slice(0, 3)
			.map((node) => `${violation.id} (${violation.impact}): ${node.target.join(' ')}`)
	);
}
