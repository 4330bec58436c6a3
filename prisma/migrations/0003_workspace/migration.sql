-- What the workspace keeps beside the records: saved views of a sheet, comments on records,
-- and the scans of the check-in desk (one row per scan nonce, so a retried scan counts once).

create table views (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null,
  entity_type_id uuid not null,
  name text not null check (length(name) between 1 and 100),
  kind text not null default 'grid' check (kind in ('grid', 'board')),
  -- Filters, sorts, grouping, hidden fields, widths, board column field: see domain/views.ts.
  config jsonb not null default '{}',
  position integer not null default 0,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (entity_type_id, name),
  foreign key (entity_type_id, space_id) references entity_types (id, space_id) on delete cascade
);
create index views_space_idx on views (space_id, entity_type_id, position);

create table comments (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null,
  entity_id uuid not null,
  author_id uuid references users (id) on delete set null,
  body text not null check (length(body) between 1 and 10000),
  -- Users named with @ in the body.
  mentions uuid[] not null default '{}',
  created_at timestamptz not null default now(),
  foreign key (entity_id, space_id) references entities (id, space_id) on delete cascade
);
create index comments_entity_idx on comments (entity_id, created_at);

create table checkin_scans (
  space_id uuid not null,
  -- Made by the device for each scan; a re-sent scan carries the same nonce.
  nonce text not null check (length(nonce) between 8 and 100),
  entity_id uuid not null,
  user_id uuid references users (id) on delete set null,
  gate text,
  -- 'checked_in', 'already', 'undone'
  result text not null,
  at timestamptz not null default now(),
  primary key (space_id, nonce),
  foreign key (entity_id, space_id) references entities (id, space_id) on delete cascade
);
create index checkin_scans_entity_idx on checkin_scans (space_id, entity_id, at);

alter table views enable row level security;
alter table views force row level security;
create policy views_select on views for select using (space_id = any ((select app_read_space_ids())::uuid[]));
create policy views_write on views for all
  using (space_id = any ((select app_write_space_ids())::uuid[]))
  with check (space_id = any ((select app_write_space_ids())::uuid[]));

alter table comments enable row level security;
alter table comments force row level security;
create policy comments_select on comments for select using (space_id = any ((select app_read_space_ids())::uuid[]));
-- Anyone who can read a record may comment on it, as themselves.
create policy comments_insert on comments for insert with check (
  space_id = any ((select app_read_space_ids())::uuid[]) and author_id = (select app_user_id())
);
-- Authors remove their own comments; owners any.
create policy comments_delete on comments for delete using (
  (space_id = any ((select app_read_space_ids())::uuid[]) and author_id = (select app_user_id()))
  or space_id = any ((select app_owner_space_ids())::uuid[])
);

alter table checkin_scans enable row level security;
alter table checkin_scans force row level security;
-- Every member role may check people in; check-in members see the desk's scans.
create policy checkin_scans_select on checkin_scans for select using (space_id = any ((select app_member_space_ids())::uuid[]));
create policy checkin_scans_insert on checkin_scans for insert with check (
  space_id = any ((select app_member_space_ids())::uuid[]) and user_id = (select app_user_id())
);

grant select, insert, update, delete on views to roster_runtime;
grant select, insert, delete on comments to roster_runtime;
grant select, insert on checkin_scans to roster_runtime;
