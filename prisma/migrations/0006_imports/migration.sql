-- Imports: a file a member uploaded, how its columns map to a sheet's fields, and what the
-- background job made of it. The job writes through the one write path as the member who
-- started it; these rows only track it, undo it and report on it.
create table imports (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references spaces (id) on delete cascade,
  entity_type_id uuid not null,
  created_by uuid not null references users (id),
  file_key text not null,
  file_name text not null,
  file_size bigint not null,
  format text not null check (format in ('csv', 'xlsx')),
  -- How to read the file (encoding, delimiter, sheet, header row), as last previewed.
  options jsonb not null default '{}',
  -- [{ column, attributeId }], the mode and, for upsert and skip, the field rows match on.
  mapping jsonb,
  mode text check (mode in ('add', 'upsert', 'skip')),
  key_attribute_id uuid,
  state text not null default 'uploaded'
    check (state in ('uploaded', 'queued', 'running', 'done', 'failed', 'cancelled', 'undoing', 'undone')),
  job_id text,
  total_rows integer,
  processed_rows integer not null default 0,
  added integer not null default 0,
  updated integer not null default 0,
  skipped integer not null default 0,
  refused integer not null default 0,
  error jsonb,
  created_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  foreign key (entity_type_id, space_id) references entity_types (id, space_id) on delete cascade
);
create index imports_space_idx on imports (space_id, entity_type_id, created_at desc);

-- What each import did to each record, so that undo removes what it created and puts back
-- what it changed (the values before, per field key).
create table import_records (
  import_id uuid not null references imports (id) on delete cascade,
  space_id uuid not null,
  entity_id uuid not null,
  action text not null check (action in ('create', 'update')),
  before jsonb,
  primary key (import_id, entity_id)
);

-- Rows the import refused, with the reason and the field at fault: the report's download.
create table import_refusals (
  import_id uuid not null references imports (id) on delete cascade,
  space_id uuid not null,
  row_number integer not null,
  field text,
  reason text not null,
  cells jsonb not null,
  primary key (import_id, row_number)
);

alter table imports enable row level security;
alter table imports force row level security;
alter table import_records enable row level security;
alter table import_records force row level security;
alter table import_refusals enable row level security;
alter table import_refusals force row level security;

-- Editors and owners import (a viewer's request never gets this far, and the policy says so
-- again); members who can read the space see its imports and their reports.
create policy imports_select on imports for select using (space_id = any ((select app_read_space_ids())::uuid[]));
create policy imports_insert on imports for insert with check (space_id = any ((select app_write_space_ids())::uuid[]));
create policy imports_update on imports for update using (space_id = any ((select app_write_space_ids())::uuid[]));
create policy import_records_select on import_records for select using (space_id = any ((select app_write_space_ids())::uuid[]));
create policy import_records_insert on import_records for insert with check (space_id = any ((select app_write_space_ids())::uuid[]));
create policy import_records_delete on import_records for delete using (space_id = any ((select app_write_space_ids())::uuid[]));
create policy import_refusals_select on import_refusals for select using (space_id = any ((select app_read_space_ids())::uuid[]));
create policy import_refusals_insert on import_refusals for insert with check (space_id = any ((select app_write_space_ids())::uuid[]));
create policy import_refusals_delete on import_refusals for delete using (space_id = any ((select app_write_space_ids())::uuid[]));

grant select, insert, update on imports to roster_runtime;
grant select, insert, delete on import_records to roster_runtime;
grant select, insert, delete on import_refusals to roster_runtime;
