-- Merges of duplicate records: one record survives, the others leave. Each merge keeps what
-- an exact undo needs (the merged records and their values, the links that pointed at them,
-- the survivor's values before, the comments and scans it moved), and old ids resolve to the
-- survivor through it while it stands.
create table record_merges (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references spaces (id) on delete cascade,
  entity_type_id uuid not null,
  -- No foreign keys to entities: the merged-away records are gone, and the merge stays on
  -- record when the survivor is deleted later (an old id then resolves to nothing).
  survivor_id uuid not null,
  merged_ids uuid[] not null check (cardinality(merged_ids) between 1 and 20),
  -- { records: [{ id, seq, position, createdAt, createdBy, updatedAt, updatedBy, values }],
  --   survivorBefore: { key: value }, links: [{ entityId, typeId, key, before }],
  --   comments: [{ id, entityId }], scans: [{ nonce, entityId }] }
  snapshot jsonb not null,
  merged_by uuid references users (id) on delete set null,
  merged_at timestamptz not null default now(),
  undone_by uuid references users (id) on delete set null,
  undone_at timestamptz,
  foreign key (entity_type_id, space_id) references entity_types (id, space_id) on delete cascade
);
create index record_merges_survivor_idx on record_merges (space_id, survivor_id, merged_at desc);
-- An old id finds its merge in one index probe (merged_ids @> array[id]).
create index record_merges_merged_idx on record_merges using gin (merged_ids) where undone_at is null;

alter table record_merges enable row level security;
alter table record_merges force row level security;
-- Readers may follow an old id to its survivor; editors and owners merge and undo. Check-in
-- members see nothing of it. No delete: a merge stays on record, undone or not.
create policy record_merges_select on record_merges for select using (space_id = any ((select app_read_space_ids())::uuid[]));
create policy record_merges_insert on record_merges for insert with check (
  space_id = any ((select app_write_space_ids())::uuid[]) and merged_by = (select app_user_id())
);
create policy record_merges_update on record_merges for update
  using (space_id = any ((select app_write_space_ids())::uuid[]))
  with check (space_id = any ((select app_write_space_ids())::uuid[]));
grant select, insert on record_merges to roster_runtime;
grant update (undone_by, undone_at) on record_merges to roster_runtime;

-- A merge moves the merged records' comments and check-in scans to the survivor (and an undo
-- moves them back): editors may change which record of their space those rows belong to, and
-- nothing else about them.
create policy comments_move on comments for update
  using (space_id = any ((select app_write_space_ids())::uuid[]))
  with check (space_id = any ((select app_write_space_ids())::uuid[]));
grant update (entity_id) on comments to roster_runtime;
create policy checkin_scans_move on checkin_scans for update
  using (space_id = any ((select app_write_space_ids())::uuid[]))
  with check (space_id = any ((select app_write_space_ids())::uuid[]));
grant update (entity_id) on checkin_scans to roster_runtime;

-- Provenance reads the newest audit row of each field of a record: one probe per field.
create index audit_log_entity_field_idx on audit_log (entity_id, attribute_key, id desc);
