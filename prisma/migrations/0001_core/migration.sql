-- Core schema: identities, spaces and the EAV data model, all under Row Level Security.
--
-- Isolation lives here, not in the app: the runtime role (member of `roster_runtime`) has no
-- BYPASSRLS and owns nothing. Policies compare `space_id` with arrays computed once per
-- statement by SECURITY DEFINER functions (wrapped in a sub-select so the planner turns them
-- into an InitPlan), which keeps a policy check to one array lookup per row.

create extension if not exists pg_trgm;

do $$ begin
  if not exists (select 1 from pg_roles where rolname = 'roster_runtime') then
    create role roster_runtime nologin nosuperuser nobypassrls;
  end if;
end $$;

-- Identities ---------------------------------------------------------------------------------

create table users (
  id uuid primary key default gen_random_uuid(),
  email text not null,
  name text not null,
  image text,
  password_hash text,
  created_at timestamptz not null default now()
);
create unique index users_email_key on users (lower(email));

create table spaces (
  id uuid primary key default gen_random_uuid(),
  slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
  name text not null check (length(name) between 1 and 200),
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  -- Bumped in the transaction of every schema change; schema caches are keyed by it, so a cache
  -- can never serve a schema older than the space's committed one.
  schema_version bigint not null default 0
);

create table memberships (
  space_id uuid not null references spaces (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  role text not null check (role in ('owner', 'editor', 'viewer', 'checkin')),
  created_at timestamptz not null default now(),
  primary key (space_id, user_id)
);
create index memberships_user_idx on memberships (user_id);

create table invitations (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references spaces (id) on delete cascade,
  email text not null,
  role text not null check (role in ('owner', 'editor', 'viewer', 'checkin')),
  -- SHA-256 of the secret in the invitation link. Holding the link is what proves the invitee:
  -- sign-up does not verify emails, so an email alone must never grant a membership.
  token_hash text not null unique,
  invited_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '14 days',
  accepted_at timestamptz,
  accepted_by uuid references users (id) on delete set null
);
create unique index invitations_open_key on invitations (space_id, lower(email)) where accepted_at is null;

create table api_tokens (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references spaces (id) on delete cascade,
  user_id uuid not null references users (id) on delete cascade,
  name text not null check (length(name) between 1 and 100),
  -- SHA-256 of the secret; the secret itself is shown once and never stored.
  token_hash text not null unique,
  role text not null check (role in ('owner', 'editor', 'viewer', 'checkin')),
  created_at timestamptz not null default now(),
  last_used_at timestamptz,
  expires_at timestamptz,
  revoked_at timestamptz
);

-- The data model -----------------------------------------------------------------------------

create table entity_types (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references spaces (id) on delete cascade,
  key text not null check (key ~ '^[a-z][a-z0-9_]{0,62}$'),
  name text not null check (length(name) between 1 and 200),
  position integer not null default 0,
  -- Next auto number; bumped in the same transaction that inserts entities.
  next_seq bigint not null default 1,
  created_at timestamptz not null default now(),
  unique (space_id, key),
  -- Targets of the composite keys below, which tie every child row to its parent's space.
  unique (id, space_id)
);

create table attributes (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references spaces (id) on delete cascade,
  entity_type_id uuid not null,
  key text not null check (key ~ '^[a-z][a-z0-9_]{0,62}$'),
  name text not null check (length(name) between 1 and 200),
  kind text not null,
  options jsonb not null default '{}',
  position integer not null default 0,
  is_required boolean not null default false,
  is_unique boolean not null default false,
  -- What a member with the `checkin` role may do with this field: nothing, read, or write.
  checkin_access text not null default 'none' check (checkin_access in ('none', 'read', 'write')),
  created_at timestamptz not null default now(),
  unique (entity_type_id, key),
  unique (id, space_id),
  foreign key (entity_type_id, space_id) references entity_types (id, space_id) on delete cascade
);
create index attributes_space_idx on attributes (space_id, entity_type_id, position);

create table entities (
  id uuid primary key default gen_random_uuid(),
  space_id uuid not null references spaces (id) on delete cascade,
  entity_type_id uuid not null,
  seq bigint not null,
  -- Manual order (grid rows, kanban cards); fractional so a move rewrites one row.
  position double precision not null default 0,
  created_at timestamptz not null default now(),
  created_by uuid references users (id) on delete set null,
  updated_at timestamptz not null default now(),
  updated_by uuid references users (id) on delete set null,
  unique (id, space_id),
  foreign key (entity_type_id, space_id) references entity_types (id, space_id) on delete cascade
);
create index entities_type_idx on entities (space_id, entity_type_id, id);
create index entities_type_position_idx on entities (space_id, entity_type_id, position, id);
create index entities_type_seq_idx on entities (space_id, entity_type_id, seq);

create table eav_values (
  entity_id uuid not null,
  attribute_id uuid not null,
  -- Both keys carry the space, so a value can only join a record and a field of its own space.
  space_id uuid not null,
  value_text text,
  value_num numeric,
  value_time timestamptz,
  value_bool boolean,
  value_json jsonb,
  -- A value that did not survive a change of the field's kind, kept (not shown) so that
  -- nothing typed is lost and changing the kind back can restore it.
  value_unconverted jsonb,
  primary key (entity_id, attribute_id),
  foreign key (entity_id, space_id) references entities (id, space_id) on delete cascade,
  foreign key (attribute_id, space_id) references attributes (id, space_id) on delete cascade
);
-- Sort and range filter walk these; attribute_id already pins the space, so a leading
-- space_id would only widen every entry. space_id rides along (include) because the policy
-- reads it: with it in the index, filtered counts are index-only scans.
create index eav_values_text_idx on eav_values (attribute_id, value_text, entity_id) include (space_id) where value_text is not null;
create index eav_values_num_idx on eav_values (attribute_id, value_num, entity_id) include (space_id) where value_num is not null;
create index eav_values_time_idx on eav_values (attribute_id, value_time, entity_id) include (space_id) where value_time is not null;
create index eav_values_bool_idx on eav_values (attribute_id, value_bool, entity_id) include (space_id) where value_bool is not null;
-- Value frequencies per attribute: without them a select value's share of a type is guessed
-- from the whole table, and the planner sorts every match instead of walking the sort index.
create statistics eav_values_attribute_text_stats (mcv) on attribute_id, value_text from eav_values;
create index eav_values_json_idx on eav_values using gin (value_json jsonb_path_ops) where value_json is not null;
create index eav_values_trgm_idx on eav_values using gin (value_text gin_trgm_ops) where value_text is not null;

-- Every change: who, when, through what, old and new value.
create table audit_log (
  id bigint generated always as identity primary key,
  space_id uuid not null references spaces (id) on delete cascade,
  entity_type_id uuid references entity_types (id) on delete set null,
  entity_id uuid,
  attribute_id uuid references attributes (id) on delete set null,
  attribute_key text,
  actor_id uuid references users (id) on delete set null,
  via text not null,
  action text not null,
  old_value jsonb,
  new_value jsonb,
  at timestamptz not null default now()
);
create index audit_log_entity_idx on audit_log (entity_id, id desc);
create index audit_log_space_idx on audit_log (space_id, id desc);

-- Yjs state per record, beside its EAV rows, so rich-text history and offline merges survive.
create table record_docs (
  entity_id uuid primary key,
  space_id uuid not null,
  state bytea not null,
  updated_at timestamptz not null default now(),
  foreign key (entity_id, space_id) references entities (id, space_id) on delete cascade
);

-- What a record is, where it lives and who made it never change after insert; a check-in
-- member's update may otherwise only touch updated_at/updated_by.
create function app_guard_entity_update() returns trigger
language plpgsql as $$
begin
  if new.id <> old.id or new.space_id <> old.space_id or new.entity_type_id <> old.entity_type_id
     or new.seq <> old.seq or new.created_at <> old.created_at
     or new.created_by is distinct from old.created_by then
    raise exception 'a record''s identity, space, type, number and creation cannot change'
      using errcode = '42501';
  end if;
  return new;
end $$;
create trigger entities_guard_update before update on entities
  for each row execute function app_guard_entity_update();

-- Who is asking -------------------------------------------------------------------------------

create function app_user_id() returns uuid
language sql stable as $$
  select nullif(current_setting('app.current_user_id', true), '')::uuid
$$;

create function app_role_rank(role text) returns integer
language sql immutable as $$
  select case role when 'owner' then 3 when 'editor' then 2 when 'viewer' then 1 when 'checkin' then 0 end
$$;

-- The caller's spaces and roles. An API token narrows both: to its one space, and to the lower
-- of its role and the member's current role (`app.token_space`, `app.token_role`).
create function app_memberships() returns table (space_id uuid, role text)
language sql stable security definer set search_path = public, pg_temp as $$
  select m.space_id,
         case
           when nullif(current_setting('app.token_role', true), '') is null then m.role
           when app_role_rank(current_setting('app.token_role', true)) < app_role_rank(m.role)
             then current_setting('app.token_role', true)
           else m.role
         end
    from memberships m
   where m.user_id = app_user_id()
     and (nullif(current_setting('app.token_space', true), '') is null
          or m.space_id = nullif(current_setting('app.token_space', true), '')::uuid)
$$;

create function app_member_space_ids() returns uuid[]
language sql stable security definer set search_path = public, pg_temp as $$
  select coalesce(array_agg(space_id), '{}') from app_memberships()
$$;

create function app_read_space_ids() returns uuid[]
language sql stable security definer set search_path = public, pg_temp as $$
  select coalesce(array_agg(space_id), '{}') from app_memberships() where role in ('owner', 'editor', 'viewer')
$$;

create function app_write_space_ids() returns uuid[]
language sql stable security definer set search_path = public, pg_temp as $$
  select coalesce(array_agg(space_id), '{}') from app_memberships() where role in ('owner', 'editor')
$$;

create function app_owner_space_ids() returns uuid[]
language sql stable security definer set search_path = public, pg_temp as $$
  select coalesce(array_agg(space_id), '{}') from app_memberships() where role = 'owner'
$$;

create function app_checkin_attribute_ids(writable boolean) returns uuid[]
language sql stable security definer set search_path = public, pg_temp as $$
  select coalesce(array_agg(a.id), '{}')
    from attributes a
    join app_memberships() m on m.space_id = a.space_id and m.role = 'checkin'
   where a.checkin_access = 'write' or (not writable and a.checkin_access = 'read')
$$;

-- The same fields as "space:attribute" pairs, so a policy can also check that a row names the
-- field's own space.
create function app_checkin_writable_pairs() returns text[]
language sql stable security definer set search_path = public, pg_temp as $$
  select coalesce(array_agg(a.space_id::text || ':' || a.id::text), '{}')
    from attributes a
    join app_memberships() m on m.space_id = a.space_id and m.role = 'checkin'
   where a.checkin_access = 'write'
$$;

create function app_checkin_entity_type_ids() returns uuid[]
language sql stable security definer set search_path = public, pg_temp as $$
  select coalesce(array_agg(distinct a.entity_type_id), '{}')
    from attributes a
    join app_memberships() m on m.space_id = a.space_id and m.role = 'checkin'
   where a.checkin_access in ('read', 'write')
$$;

-- Policies -----------------------------------------------------------------------------------

alter table users enable row level security;
alter table users force row level security;
create policy users_select on users for select using (
  id = app_user_id()
  or id in (select m.user_id from memberships m where m.space_id = any ((select app_member_space_ids())::uuid[]))
);
-- Not through an API token: a token scoped to one space must not change the account.
create policy users_update on users for update
  using (id = app_user_id() and nullif(current_setting('app.token_role', true), '') is null)
  with check (id = app_user_id());

alter table spaces enable row level security;
alter table spaces force row level security;
create policy spaces_select on spaces for select using (id = any ((select app_member_space_ids())::uuid[]));
create policy spaces_update on spaces for update using (id = any ((select app_owner_space_ids())::uuid[]));
create policy spaces_delete on spaces for delete using (id = any ((select app_owner_space_ids())::uuid[]));

alter table memberships enable row level security;
alter table memberships force row level security;
create policy memberships_select on memberships for select using (space_id = any ((select app_member_space_ids())::uuid[]));
create policy memberships_insert on memberships for insert with check (space_id = any ((select app_owner_space_ids())::uuid[]));
create policy memberships_update on memberships for update using (space_id = any ((select app_owner_space_ids())::uuid[]));
create policy memberships_delete on memberships for delete using (space_id = any ((select app_owner_space_ids())::uuid[]));

alter table invitations enable row level security;
alter table invitations force row level security;
create policy invitations_all on invitations for all
  using (space_id = any ((select app_owner_space_ids())::uuid[]))
  with check (space_id = any ((select app_owner_space_ids())::uuid[]));

alter table api_tokens enable row level security;
alter table api_tokens force row level security;
-- Tokens are managed by their signed-in owner only: a token could otherwise raise its own role.
create policy api_tokens_all on api_tokens for all
  using (user_id = app_user_id() and space_id = any ((select app_member_space_ids())::uuid[])
         and nullif(current_setting('app.token_role', true), '') is null)
  with check (user_id = app_user_id() and space_id = any ((select app_member_space_ids())::uuid[])
              and nullif(current_setting('app.token_role', true), '') is null);

alter table entity_types enable row level security;
alter table entity_types force row level security;
create policy entity_types_select on entity_types for select using (
  space_id = any ((select app_read_space_ids())::uuid[]) or id = any ((select app_checkin_entity_type_ids())::uuid[])
);
create policy entity_types_insert on entity_types for insert with check (space_id = any ((select app_write_space_ids())::uuid[]));
create policy entity_types_update on entity_types for update using (space_id = any ((select app_write_space_ids())::uuid[]));
create policy entity_types_delete on entity_types for delete using (space_id = any ((select app_write_space_ids())::uuid[]));

alter table attributes enable row level security;
alter table attributes force row level security;
create policy attributes_select on attributes for select using (
  space_id = any ((select app_read_space_ids())::uuid[]) or id = any ((select app_checkin_attribute_ids(false))::uuid[])
);
create policy attributes_insert on attributes for insert with check (space_id = any ((select app_write_space_ids())::uuid[]));
create policy attributes_update on attributes for update using (space_id = any ((select app_write_space_ids())::uuid[]));
create policy attributes_delete on attributes for delete using (space_id = any ((select app_write_space_ids())::uuid[]));

alter table entities enable row level security;
alter table entities force row level security;
create policy entities_select on entities for select using (
  space_id = any ((select app_read_space_ids())::uuid[]) or entity_type_id = any ((select app_checkin_entity_type_ids())::uuid[])
);
create policy entities_insert on entities for insert with check (space_id = any ((select app_write_space_ids())::uuid[]));
-- A check-in touches updated_at/updated_by of the record it checks in.
create policy entities_update on entities for update using (
  space_id = any ((select app_write_space_ids())::uuid[]) or entity_type_id = any ((select app_checkin_entity_type_ids())::uuid[])
) with check (
  space_id = any ((select app_write_space_ids())::uuid[]) or entity_type_id = any ((select app_checkin_entity_type_ids())::uuid[])
);
create policy entities_delete on entities for delete using (space_id = any ((select app_write_space_ids())::uuid[]));

alter table eav_values enable row level security;
alter table eav_values force row level security;
create policy eav_values_select on eav_values for select using (
  space_id = any ((select app_read_space_ids())::uuid[]) or attribute_id = any ((select app_checkin_attribute_ids(false))::uuid[])
);
create policy eav_values_insert on eav_values for insert with check (
  space_id = any ((select app_write_space_ids())::uuid[]) or attribute_id = any ((select app_checkin_attribute_ids(true))::uuid[])
);
create policy eav_values_update on eav_values for update
  using (space_id = any ((select app_write_space_ids())::uuid[]) or attribute_id = any ((select app_checkin_attribute_ids(true))::uuid[]))
  with check (space_id = any ((select app_write_space_ids())::uuid[]) or attribute_id = any ((select app_checkin_attribute_ids(true))::uuid[]));
create policy eav_values_delete on eav_values for delete using (
  space_id = any ((select app_write_space_ids())::uuid[]) or attribute_id = any ((select app_checkin_attribute_ids(true))::uuid[])
);

-- The audit log is append-only: no update or delete policy exists.
alter table audit_log enable row level security;
alter table audit_log force row level security;
create policy audit_log_select on audit_log for select using (space_id = any ((select app_read_space_ids())::uuid[]));
create policy audit_log_insert on audit_log for insert with check (
  actor_id is not distinct from app_user_id()
  and (space_id = any ((select app_write_space_ids())::uuid[])
       or (space_id::text || ':' || attribute_id::text) = any ((select app_checkin_writable_pairs())::text[]))
);

alter table record_docs enable row level security;
alter table record_docs force row level security;
create policy record_docs_select on record_docs for select using (space_id = any ((select app_read_space_ids())::uuid[]));
create policy record_docs_write on record_docs for all
  using (space_id = any ((select app_write_space_ids())::uuid[]))
  with check (space_id = any ((select app_write_space_ids())::uuid[]));

-- Functions for the moments before a user id is known, or that cross the policy wall on
-- purpose. Each does one narrow thing.

-- Sign-in: the password hash of one email, nothing else.
create function app_credentials(p_email text) returns table (id uuid, name text, email text, password_hash text)
language sql stable security definer set search_path = public, pg_temp as $$
  select u.id, u.name, u.email, u.password_hash from users u where lower(u.email) = lower(p_email)
$$;

-- Sign-up (or first OAuth sign-in): create the user.
create function app_register_user(p_email text, p_name text, p_password_hash text, p_image text default null)
returns uuid
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  v_id uuid;
begin
  -- Invitations are not accepted here: an email address is not proof of anything until it is
  -- verified, and only the invitation link proves the invitee (app_accept_invitation).
  insert into users (email, name, password_hash, image) values (p_email, p_name, p_password_hash, p_image)
  returning id into v_id;
  return v_id;
end $$;

-- A new space with the caller as its owner.
create function app_create_space(p_slug text, p_name text) returns uuid
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  v_id uuid;
  v_user uuid := app_user_id();
begin
  if v_user is null then
    raise exception 'no user' using errcode = '42501';
  end if;
  insert into spaces (slug, name, created_by) values (p_slug, p_name, v_user) returning id into v_id;
  insert into memberships (space_id, user_id, role) values (v_id, v_user, 'owner');
  return v_id;
end $$;

-- Invite by email: an invitation whose link (token) the owner passes on. It becomes a membership
-- only when someone signed in opens the link; an existing account is never added unasked.
create function app_invite(p_space uuid, p_email text, p_role text, p_token_hash text) returns uuid
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  v_id uuid;
begin
  if not (p_space = any (app_owner_space_ids())) then
    raise exception 'only owners may invite' using errcode = '42501';
  end if;
  insert into invitations (space_id, email, role, token_hash, invited_by) values (p_space, p_email, p_role, p_token_hash, app_user_id())
  on conflict (space_id, lower(email)) where accepted_at is null
  do update set role = excluded.role, token_hash = excluded.token_hash, invited_by = excluded.invited_by,
                created_at = now(), expires_at = now() + interval '14 days'
  returning id into v_id;
  return v_id;
end $$;

-- The caller accepts the invitation whose link they hold. An existing membership keeps its role:
-- a link must not change the role of someone already in the space.
create function app_accept_invitation(p_token_hash text) returns table (space_id uuid, role text)
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  v_user uuid := app_user_id();
  v_invitation invitations%rowtype;
begin
  if v_user is null or nullif(current_setting('app.token_role', true), '') is not null then
    raise exception 'sign in to accept an invitation' using errcode = '42501';
  end if;
  select * into v_invitation from invitations i
   where i.token_hash = p_token_hash and i.accepted_at is null and i.expires_at > now()
   for update;
  if not found then
    return;
  end if;
  insert into memberships (space_id, user_id, role) values (v_invitation.space_id, v_user, v_invitation.role)
  on conflict on constraint memberships_pkey do nothing;
  update invitations set accepted_at = now(), accepted_by = v_user where id = v_invitation.id;
  return query select m.space_id, m.role from memberships m where m.space_id = v_invitation.space_id and m.user_id = v_user;
end $$;

-- Schema changes bump the space's schema version (schema caches key on it). Editors and owners.
create function app_bump_schema_version(p_space uuid) returns bigint
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  v_version bigint;
begin
  if not (p_space = any (app_write_space_ids())) then
    raise exception 'may not change the schema' using errcode = '42501';
  end if;
  update spaces set schema_version = schema_version + 1 where id = p_space returning schema_version into v_version;
  return v_version;
end $$;

-- API token lookup by hash: who it acts as, in which space, with what role. last_used_at is
-- touched at most once a minute and never waited for: writing it on every request made every
-- request of a token queue on that one row's lock and flush the WAL.
create function app_resolve_token(p_hash text) returns table (id uuid, user_id uuid, space_id uuid, role text)
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  v_token api_tokens%rowtype;
begin
  select * into v_token from api_tokens t
   where t.token_hash = p_hash and t.revoked_at is null and (t.expires_at is null or t.expires_at > now())
     and exists (select 1 from memberships m where m.space_id = t.space_id and m.user_id = t.user_id);
  if not found then
    return;
  end if;
  if v_token.last_used_at is null or v_token.last_used_at < now() - interval '1 minute' then
    update api_tokens set last_used_at = now()
     where api_tokens.id = (select t.id from api_tokens t where t.id = v_token.id for update skip locked);
  end if;
  return query select v_token.id, v_token.user_id, v_token.space_id, v_token.role;
end $$;

-- Substring search over text values. ILIKE is not leakproof, so under the policy the planner
-- may not push it into the trigram index and scans every value instead; this definer function
-- applies the same visibility rule itself (spaces the caller reads, or check-in fields) and
-- lets the index work.
create function app_search_entity_ids(p_space uuid, p_attribute_ids uuid[], p_pattern text)
returns table (entity_id uuid)
language sql stable security definer set search_path = public, pg_temp as $$
  select distinct v.entity_id
    from eav_values v
   where v.space_id = p_space
     and v.attribute_id = any (p_attribute_ids)
     and v.value_text ilike p_pattern
     and (p_space = any ((select app_read_space_ids())::uuid[])
          or v.attribute_id = any ((select app_checkin_attribute_ids(false))::uuid[]))
$$;

-- A member who leaves a space takes their API tokens for it along: re-inviting them later must
-- not bring old tokens back to life. Definer, because an owner may not see others' tokens.
create function app_drop_member_tokens() returns trigger
language plpgsql security definer set search_path = public, pg_temp as $$
begin
  delete from api_tokens where space_id = old.space_id and user_id = old.user_id;
  return old;
end $$;
create trigger memberships_drop_tokens after delete on memberships
  for each row execute function app_drop_member_tokens();

revoke all on all functions in schema public from public;
grant execute on all functions in schema public to roster_runtime;
grant usage on schema public to roster_runtime;
grant select, insert, update, delete on spaces, memberships, invitations, api_tokens,
  entity_types, attributes, entities, eav_values, record_docs to roster_runtime;
-- Co-members see each other's names, never password hashes (sign-in reads them through
-- app_credentials only).
grant select (id, email, name, image, created_at), update (name, image, password_hash) on users to roster_runtime;
grant select, insert on audit_log to roster_runtime;
