-- Sessions that end on the server, and password hashes the runtime role can no longer read.
--
-- A browser session is a signed cookie (Auth.js JWT) naming one row here; every request checks
-- that the row is still live, so signing out, "sign out everywhere" and a password change end a
-- session even when its cookie was copied elsewhere.

create table sessions (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references users (id) on delete cascade,
  -- A short label for the account page ("Firefox on macOS"), from the sign-in's User-Agent.
  device text not null default '' check (char_length(device) <= 200),
  ip text check (char_length(ip) <= 64),
  created_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index sessions_user_id_idx on sessions (user_id);

alter table sessions enable row level security;
alter table sessions force row level security;
-- Each person sees and ends only their own sessions, and not through an API token: a token
-- scoped to one space must not sign its owner out or list where they are signed in.
create policy sessions_own on sessions for all
  using (user_id = app_user_id() and nullif(current_setting('app.token_role', true), '') is null)
  with check (user_id = app_user_id() and nullif(current_setting('app.token_role', true), '') is null);
grant select, insert, delete, update (revoked_at) on sessions to roster_runtime;

-- The per-request check: whether the cookie's session is live. Definer and one statement, so it
-- costs one indexed probe and no identity round trip. A session seen again has its expiry slide
-- forward by `p_max_age` seconds, written at most once a minute.
create function app_session_live(p_session uuid, p_user uuid, p_max_age integer) returns boolean
language plpgsql volatile security definer set search_path = public, pg_temp as $$
begin
  update sessions
     set last_seen_at = now(), expires_at = now() + make_interval(secs => p_max_age)
   where id = p_session and user_id = p_user and revoked_at is null and expires_at > now()
     and last_seen_at < now() - interval '1 minute';
  if found then
    return true;
  end if;
  return exists (
    select 1 from sessions
     where id = p_session and user_id = p_user and revoked_at is null and expires_at > now()
  );
end $$;
revoke all on function app_session_live(uuid, uuid, integer) from public;
grant execute on function app_session_live(uuid, uuid, integer) to roster_runtime;

-- Password hashes: only `roster_credentials` may call app_credentials. Its login role (made at
-- boot, see runtime-role.ts) has a pool of its own used by sign-in and password checks alone,
-- and no other grant: it can read no tenant table. A flaw that lets someone run SQL as the
-- runtime role no longer yields every account's hash to crack offline.
do $$ begin
  if not exists (select 1 from pg_roles where rolname = 'roster_credentials') then
    create role roster_credentials nologin nosuperuser nobypassrls;
  end if;
end $$;
revoke all on function app_credentials(text) from public;
revoke all on function app_credentials(text) from roster_runtime;
grant usage on schema public to roster_credentials;
grant execute on function app_credentials(text) to roster_credentials;
