// schema.prisma only mirrors the SQL migrations, so nothing but this test keeps the two in step:
// it reads the migrated database's catalog and Prisma's own reading of the schema (its DMMF)
// and reports every table, column, type, nullability, default, key, index and foreign key on
// which they disagree. Partial, expression and non-btree indexes are skipped: Prisma cannot
// express them (see the note atop schema.prisma).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppContext } from '$lib/server/context';
import { runPrismaCli } from '../../scripts/prisma-generate.js';
import { bootTestApp, stopTestApp } from '../support/app';

interface DmmfField {
	name: string;
	dbName?: string | null;
	kind: 'scalar' | 'object' | 'enum' | 'unsupported';
	type: string;
	isList: boolean;
	isRequired: boolean;
	hasDefaultValue: boolean;
	nativeType?: [string, string[]] | null;
	relationFromFields?: string[];
	relationToFields?: string[];
	relationOnDelete?: string;
}

interface DmmfModel {
	name: string;
	dbName: string | null;
	fields: DmmfField[];
}

interface DmmfIndex {
	model: string;
	type: 'id' | 'unique' | 'normal' | 'fulltext';
	fields: { name: string; sortOrder?: 'asc' | 'desc' }[];
}

interface Datamodel {
	models: DmmfModel[];
	indexes: DmmfIndex[];
}

interface Column {
	type: string;
	isNullable: boolean;
	hasDefault: boolean;
}

interface Table {
	columns: Map<string, Column>;
	primaryKey: string;
	/** Each entry renders one constraint, e.g. `unique (space_id, key)`, so sets compare. */
	constraints: Set<string>;
}

type Shape = Map<string, Table>;

/**
 * Prisma's full DMMF (native types and nullability included; the generated client keeps only
 * a pruned runtime model). The CLI hands it to every generator, so a copy of schema.prisma whose
 * generator is a few lines of JSON-RPC writes it out. Runs offline like `prisma generate`.
 */
function readDatamodel(): Datamodel {
	const dir = mkdtempSync(path.join(os.tmpdir(), 'roster-dmmf-'));
	try {
		const generator = path.join(dir, 'dmmf-generator.cjs');
		const output = path.join(dir, 'dmmf.json');
		writeFileSync(
			generator,
			`const fs = require('node:fs');
require('node:readline').createInterface({ input: process.stdin }).on('line', (line) => {
	const request = JSON.parse(line);
	let result = null;
	if (request.method === 'getManifest') result = { manifest: { prettyName: 'DMMF', requiresEngines: [] } };
	if (request.method === 'generate') fs.writeFileSync(${JSON.stringify(output)}, JSON.stringify(request.params.dmmf.datamodel));
	process.stderr.write(JSON.stringify({ jsonrpc: '2.0', id: request.id, result }) + '\\n');
});`
		);
		const schema = readFileSync('prisma/schema.prisma', 'utf8').replace(
			/^generator\s+\w+\s*\{[^}]*\}/m,
			`generator dmmf {\n  provider = ${JSON.stringify(`"${process.execPath}" "${generator}"`)}\n  output = ${JSON.stringify(dir)}\n}`
		);
		const schemaPath = path.join(dir, 'schema.prisma');
		writeFileSync(schemaPath, schema);
		runPrismaCli(['generate', '--schema', schemaPath], { quiet: true });
		return JSON.parse(readFileSync(output, 'utf8')) as Datamodel;
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

const onDeleteActions: Record<string, string> = {
	a: 'NoAction',
	r: 'Restrict',
	c: 'Cascade',
	n: 'SetNull',
	d: 'SetDefault'
};

function table(shape: Shape, name: string): Table {
	let entry = shape.get(name);
	if (!entry) {
		entry = { columns: new Map(), primaryKey: '(none)', constraints: new Set() };
		shape.set(name, entry);
	}
	return entry;
}

/** The same rendering for both sides: Postgres's udt name plus the modifier that matters. */
function columnType(udt: string, modifier?: string | number | null): string {
	return modifier === undefined || modifier === null ? udt : `${udt}(${modifier})`;
}

async function describeDatabase(pool: pg.Pool): Promise<Shape> {
	const shape: Shape = new Map();
	const columns = await pool.query<{
		table_name: string;
		column_name: string;
		udt_name: string;
		is_nullable: boolean;
		has_default: boolean;
		datetime_precision: number | null;
		character_maximum_length: number | null;
		numeric_precision: number | null;
		numeric_scale: number | null;
	}>(
		`select c.table_name, c.column_name, c.udt_name, c.is_nullable = 'YES' as is_nullable,
		        (c.column_default is not null or c.is_identity = 'YES') as has_default,
		        c.datetime_precision, c.character_maximum_length, c.numeric_precision, c.numeric_scale
		   from information_schema.columns c
		   join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
		  where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
		    and c.table_name <> 'schema_migrations'`
	);
	for (const row of columns.rows) {
		const modifier = row.udt_name.startsWith('timestamp')
			? row.datetime_precision
			: row.udt_name === 'numeric' && row.numeric_precision !== null
				? `${row.numeric_precision},${row.numeric_scale}`
				: row.character_maximum_length;
		table(shape, row.table_name).columns.set(row.column_name, {
			type: columnType(row.udt_name, modifier),
			isNullable: row.is_nullable,
			hasDefault: row.has_default
		});
	}

	const indexes = await pool.query<{
		table_name: string;
		is_primary: boolean;
		is_unique: boolean;
		columns: string[];
	}>(
		`select t.relname as table_name, ix.indisprimary as is_primary, ix.indisunique as is_unique,
		        array(select a.attname::text || case when ix.indoption[k.ord - 1] & 1 = 1 then ' desc' else '' end
		                from unnest(ix.indkey::int2[]) with ordinality k(attnum, ord)
		                join pg_attribute a on a.attrelid = t.oid and a.attnum = k.attnum
		               where k.ord <= ix.indnkeyatts
		               order by k.ord) as columns
		   from pg_index ix
		   join pg_class i on i.oid = ix.indexrelid
		   join pg_class t on t.oid = ix.indrelid
		   join pg_namespace n on n.oid = t.relnamespace
		   join pg_am am on am.oid = i.relam
		  where n.nspname = current_schema() and t.relname <> 'schema_migrations'
		    and am.amname = 'btree' and ix.indpred is null and ix.indexprs is null`
	);
	for (const row of indexes.rows) {
		const entry = table(shape, row.table_name);
		const columnList = `(${row.columns.join(', ')})`;
		if (row.is_primary) entry.primaryKey = columnList;
		else entry.constraints.add(`${row.is_unique ? 'unique' : 'index'} ${columnList}`);
	}

	const foreignKeys = await pool.query<{
		table_name: string;
		target: string;
		on_delete: string;
		columns: string[];
		target_columns: string[];
	}>(
		`select src.relname as table_name, dst.relname as target, c.confdeltype as on_delete,
		        array(select a.attname::text from unnest(c.conkey) with ordinality k(attnum, ord)
		                join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.attnum order by k.ord) as columns,
		        array(select a.attname::text from unnest(c.confkey) with ordinality k(attnum, ord)
		                join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.attnum order by k.ord) as target_columns
		   from pg_constraint c
		   join pg_class src on src.oid = c.conrelid
		   join pg_class dst on dst.oid = c.confrelid
		   join pg_namespace n on n.oid = src.relnamespace
		  where c.contype = 'f' and n.nspname = current_schema()`
	);
	for (const row of foreignKeys.rows) {
		table(shape, row.table_name).constraints.add(
			`foreign key (${row.columns.join(', ')}) -> ${row.target} (${row.target_columns.join(', ')}) on delete ${onDeleteActions[row.on_delete] ?? row.on_delete}`
		);
	}
	return shape;
}

/** The Postgres column type Prisma means by a scalar and its optional `@db.*` native type. */
function prismaColumnType(field: DmmfField): string {
	const [native, args = []] = field.nativeType ?? [];
	const base = ((): string => {
		switch (field.type) {
			case 'String':
				if (native === 'Uuid') return 'uuid';
				if (native === 'VarChar') return columnType('varchar', args[0]);
				if (native === 'Char') return columnType('bpchar', args[0]);
				return native === undefined || native === 'Text' ? 'text' : `String @db.${native}`;
			case 'Int':
				return native === 'SmallInt' ? 'int2' : 'int4';
			case 'BigInt':
				return 'int8';
			case 'Float':
				return native === 'Real' ? 'float4' : 'float8';
			case 'Decimal':
				// Without @db.Decimal Prisma means numeric(65,30); a bare @db.Decimal is plain numeric.
				if (native === undefined) return 'numeric(65,30)';
				return columnType('numeric', args.length ? args.join(',') : null);
			case 'DateTime':
				if (native === 'Date') return 'date';
				if (native === 'Timestamptz') return columnType('timestamptz', args[0] ?? 6);
				return columnType('timestamp', args[0] ?? 3);
			case 'Boolean':
				return 'bool';
			case 'Json':
				return native === 'Json' ? 'json' : 'jsonb';
			case 'Bytes':
				return 'bytea';
			default:
				return native ? `${field.type} @db.${native}` : field.type;
		}
	})();
	return field.isList ? `_${base}` : base;
}

function describePrisma(datamodel: Datamodel): Shape {
	const shape: Shape = new Map();
	const tableOf = new Map(
		datamodel.models.map((model) => [model.name, model.dbName ?? model.name])
	);
	const columnOf = (model: string, field: string) => {
		const found = datamodel.models
			.find((entry) => entry.name === model)
			?.fields.find((entry) => entry.name === field);
		return found?.dbName ?? field;
	};
	for (const model of datamodel.models) {
		const entry = table(shape, tableOf.get(model.name)!);
		for (const field of model.fields) {
			if (field.kind === 'object') {
				if (!field.relationFromFields?.length) continue;
				// Prisma's defaults when onDelete is left out: Restrict if required, SetNull if optional.
				const onDelete = field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull');
				const columns = field.relationFromFields.map((name) => columnOf(model.name, name));
				const targets = (field.relationToFields ?? []).map((name) => columnOf(field.type, name));
				entry.constraints.add(
					`foreign key (${columns.join(', ')}) -> ${tableOf.get(field.type)} (${targets.join(', ')}) on delete ${onDelete}`
				);
				continue;
			}
			entry.columns.set(field.dbName ?? field.name, {
				type: prismaColumnType(field),
				isNullable: !field.isRequired && !field.isList,
				hasDefault: field.hasDefaultValue
			});
		}
	}
	for (const index of datamodel.indexes) {
		const entry = table(shape, tableOf.get(index.model)!);
		const columnList = `(${index.fields
			.map(
				(field) => columnOf(index.model, field.name) + (field.sortOrder === 'desc' ? ' desc' : '')
			)
			.join(', ')})`;
		if (index.type === 'id') entry.primaryKey = columnList;
		else entry.constraints.add(`${index.type === 'unique' ? 'unique' : 'index'} ${columnList}`);
	}
	return shape;
}

/** Every disagreement, one readable line each; empty when schema.prisma matches the database. */
function compareShapes(database: Shape, prisma: Shape): string[] {
	const mismatches: string[] = [];
	const describe = (column: Column) =>
		`${column.type} ${column.isNullable ? 'null' : 'not null'}${column.hasDefault ? ' with default' : ''}`;
	for (const name of new Set([...database.keys(), ...prisma.keys()])) {
		const inDatabase = database.get(name);
		const inPrisma = prisma.get(name);
		if (!inPrisma) {
			mismatches.push(`${name}: table in the database, no model in schema.prisma`);
			continue;
		}
		if (!inDatabase) {
			mismatches.push(`${name}: model in schema.prisma, no table in the database`);
			continue;
		}
		for (const column of new Set([...inDatabase.columns.keys(), ...inPrisma.columns.keys()])) {
			const dbColumn = inDatabase.columns.get(column);
			const prismaColumn = inPrisma.columns.get(column);
			if (!prismaColumn)
				mismatches.push(`${name}.${column}: column in the database, no field in schema.prisma`);
			else if (!dbColumn)
				mismatches.push(`${name}.${column}: field in schema.prisma, no column in the database`);
			else if (describe(dbColumn) !== describe(prismaColumn)) {
				mismatches.push(
					`${name}.${column}: db says ${describe(dbColumn)}, schema says ${describe(prismaColumn)}`
				);
			}
		}
		if (inDatabase.primaryKey !== inPrisma.primaryKey) {
			mismatches.push(
				`${name}: primary key: db says ${inDatabase.primaryKey}, schema says ${inPrisma.primaryKey}`
			);
		}
		for (const constraint of inDatabase.constraints) {
			if (!inPrisma.constraints.has(constraint))
				mismatches.push(`${name}: ${constraint} in the database only`);
		}
		for (const constraint of inPrisma.constraints) {
			if (!inDatabase.constraints.has(constraint))
				mismatches.push(`${name}: ${constraint} in schema.prisma only`);
		}
	}
	return mismatches.sort();
}

let context: AppContext;
let database: Shape;
let datamodel: Datamodel;

beforeAll(async () => {
	context = await bootTestApp();
	database = await describeDatabase(context.db.owner);
	datamodel = readDatamodel();
});

afterAll(() => stopTestApp());

describe('schema.prisma', () => {
	it('matches the migrated database', () => {
		expect(compareShapes(database, describePrisma(datamodel)).join('\n')).toBe('');
	});

	it('reports a field, a type and an index that drifted', () => {
		const drifted = structuredClone(datamodel);
		const eavValue = drifted.models.find((model) => model.name === 'EavValue')!;
		eavValue.fields = eavValue.fields.filter((field) => field.name !== 'valueNum');
		const entity = drifted.models.find((model) => model.name === 'Entity')!;
		entity.fields.find((field) => field.name === 'position')!.type = 'Int';
		drifted.indexes = drifted.indexes.filter(
			(index) => !(index.model === 'Membership' && index.type === 'normal')
		);

		const baseline = new Set(compareShapes(database, describePrisma(datamodel)));
		const reported = compareShapes(database, describePrisma(drifted)).filter(
			(line) => !baseline.has(line)
		);
		expect(reported).toEqual([
			'eav_values.value_num: column in the database, no field in schema.prisma',
			'entities.position: db says float8 not null with default, schema says int4 not null with default',
			'memberships: index (user_id) in the database only'
		]);
	});
});
