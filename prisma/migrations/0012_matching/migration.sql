-- Finding duplicates (issue 10, the finding half): match rules per record type, the candidate
-- pairs a scan or a write found, with what a reviewer decided, and the scans themselves. The
-- comparisons run in the app (src/lib/domain/matching); Postgres keeps the results and, through
-- pg_trgm's GIN index on eav_values (0001), finds a written record's candidates.
--
-- Who sees what: editors and owners review (read pairs, mark them not duplicates, run scans) and
-- read the rules; only owners change the rules. Viewers and check-in members see nothing of it.

create table match_rules (
  entity_type_id uuid primary key,
  space_id uuid not null references spaces (id) on delete cascade,
  -- MatchRules (src/lib/domain/matching/rules.ts), checked by the service before it lands here.
  rules jsonb not null,
  updated_by uuid references users (id) on delete set null,
  updated_at timestamptz not null default now(),
  foreign key (entity_type_id, space_id) references entity_types (id, space_id) on delete cascade
);

create table match_pairs (
  space_id uuid not null,
  entity_type_id uuid not null,
  -- One row per pair, whichever record was written last: the smaller id first.
  record_a uuid not null,
  record_b uuid not null,
  score real not null check (score between 0 and 1),
  -- Why it scored so: [{ field, level, weight }] (MatchReason).
  reasons jsonb not null default '[]',
  -- open: in the review queue; not_duplicate: a reviewer said so, and no scan offers it again;
  -- merged: the merge service (the other half of issue 10) merged the two.
  status text not null default 'open' check (status in ('open', 'not_duplicate', 'merged')),
  decided_by uuid references users (id) on delete set null,
  decided_at timestamptz,
  found_at timestamptz not null default now(),
  primary key (record_a, record_b),
  check (record_a < record_b),
  -- A deleted record takes its pairs with it, so the queue never offers a record that is gone.
  foreign key (record_a, space_id) references entities (id, space_id) on delete cascade,
  foreign key (record_b, space_id) references entities (id, space_id) on delete cascade,
  foreign key (entity_type_id, space_id) references entity_types (id, space_id) on delete cascade
);
-- The queue: a type's open pairs, best first.
create index match_pairs_queue_idx on match_pairs (space_id, entity_type_id, status, score desc);
-- A record's pairs, from either side (the record page's banner, markPairsMerged).
create index match_pairs_record_b_idx on match_pairs (record_b);

create table match_scans (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references spaces (id) on delete cascade,
  entity_type_id uuid not null,
  started_by uuid not null references users (id),
  state text not null default 'queued' check (state in ('queued', 'running', 'done', 'failed')),
  job_id text,
  -- Progress: records read, pairs compared of the pairs the blocks produced, pairs found.
  records integer not null default 0,
  compared integer not null default 0,
  candidates integer not null default 0,
  found integer not null default 0,
  error text,
  created_at timestamptz not null default now(),
  finished_at timestamptz,
  foreign key (entity_type_id, space_id) references entity_types (id, space_id) on delete cascade
);
create index match_scans_type_idx on match_scans (space_id, entity_type_id, created_at desc);

alter table match_rules enable row level security;
alter table match_rules force row level security;
alter table match_pairs enable row level security;
alter table match_pairs force row level security;
alter table match_scans enable row level security;
alter table match_scans force row level security;

create policy match_rules_select on match_rules for select using (space_id = any ((select app_write_space_ids())::uuid[]));
create policy match_rules_insert on match_rules for insert with check (space_id = any ((select app_owner_space_ids())::uuid[]));
create policy match_rules_update on match_rules for update using (space_id = any ((select app_owner_space_ids())::uuid[]));
create policy match_rules_delete on match_rules for delete using (space_id = any ((select app_owner_space_ids())::uuid[]));

create policy match_pairs_select on match_pairs for select using (space_id = any ((select app_write_space_ids())::uuid[]));
create policy match_pairs_insert on match_pairs for insert with check (space_id = any ((select app_write_space_ids())::uuid[]));
create policy match_pairs_update on match_pairs for update using (space_id = any ((select app_write_space_ids())::uuid[]));
create policy match_pairs_delete on match_pairs for delete using (space_id = any ((select app_write_space_ids())::uuid[]));

create policy match_scans_select on match_scans for select using (space_id = any ((select app_write_space_ids())::uuid[]));
create policy match_scans_insert on match_scans for insert with check (space_id = any ((select app_write_space_ids())::uuid[]));
create policy match_scans_update on match_scans for update using (space_id = any ((select app_write_space_ids())::uuid[]));

grant select, insert, update, delete on match_rules to roster_runtime;
grant select, insert, update, delete on match_pairs to roster_runtime;
grant select, insert, update on match_scans to roster_runtime;

-- The import report's count of written rows that look like a record already there.
alter table imports add column possible_duplicates integer not null default 0;
