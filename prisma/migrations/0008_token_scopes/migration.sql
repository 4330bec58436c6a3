-- API token scopes, and memberships that need their user's own acceptance (issue 12, faults 1
-- and 7). An owner-role token could invite a new owner who outlived the token; an owner could
-- insert a membership for any user id and then read that user's email.

-- Scopes -------------------------------------------------------------------------------------

-- What a token may do, chosen at creation (domain/token-scopes.ts): read, write (records),
-- schema (types, fields, views), members (invitations, roles, removal). A token's scopes never
-- exceed what its role allows, and every token reads.
alter table api_tokens add column scopes text[];
-- Tokens made before scopes keep what they could do, except managing members: read, write and
-- schema for owners and editors, read and write (check-in) for check-in, read for viewers.
update api_tokens
   set scopes = case role
                  when 'owner' then '{read,write,schema}'
                  when 'editor' then '{read,write,schema}'
                  when 'checkin' then '{read,write}'
                  else '{read}'
                end::text[];
alter table api_tokens
  alter column scopes set not null,
  -- Least power for a row written without scopes.
  alter column scopes set default '{read}',
  add constraint api_tokens_scopes_check check (
    'read' = any (scopes)
    and scopes <@ case role
                    when 'owner' then '{read,write,schema,members}'::text[]
                    when 'editor' then '{read,write,schema}'::text[]
                    when 'checkin' then '{read,write}'::text[]
                    else '{read}'::text[]
                  end
  );

-- Whether the caller may act with p_scope. A signed-in person may (their role decides, as
-- before); an API token only with that scope in `app.token_scopes`, which withActor sets beside
-- `app.token_role`. A token whose scopes are not set has none: the check fails closed.
create function app_token_allows(p_scope text) returns boolean
language sql stable security definer set search_path = public, pg_temp as $$
  select nullif(current_setting('app.token_role', true), '') is null
      or p_scope = any (coalesce(nullif(current_setting('app.token_scopes', true), ''), '{}')::text[])
$$;
revoke all on function app_token_allows(text) from public;
grant execute on function app_token_allows(text) to roster_runtime;

-- A read-only token (no write, schema or members scope) is at most a viewer, in every
-- policy and in the role the app reads (resolveSpace reads app_memberships): the services refuse
-- it first, with the missing scope named, and the rows stay out of reach if one forgets. Only
-- when scopes are set: the live-edit batch (0004) sets a token's role per person but not its
-- scopes, for senders whose role the engine took from app_memberships, where the cap applied.
create function app_token_rank_cap() returns integer
language sql stable security definer set search_path = public, pg_temp as $$
  select case
           when nullif(current_setting('app.token_role', true), '') is null then 3
           when nullif(current_setting('app.token_scopes', true), '') is null then 3
           when current_setting('app.token_scopes', true)::text[] && '{write,schema,members}'::text[] then 3
           else 1
         end
$$;
revoke all on function app_token_rank_cap() from public;
grant execute on function app_token_rank_cap() to roster_runtime;

create or replace function app_memberships() returns table (space_id uuid, role text)
language sql stable security definer set search_path = public, pg_temp as $$
  select m.space_id,
         case least(app_role_rank(m.role),
                    coalesce(app_role_rank(nullif(current_setting('app.token_role', true), '')), 3),
                    app_token_rank_cap())
           when 3 then 'owner' when 2 then 'editor' when 1 then 'viewer' else 'checkin'
         end
    from memberships m
   where m.user_id = app_user_id()
     and (nullif(current_setting('app.token_space', true), '') is null
          or m.space_id = nullif(current_setting('app.token_space', true), '')::uuid)
$$;

create or replace function app_space_ids_ranked(p_min integer, p_max integer) returns uuid[]
language plpgsql stable security definer set search_path = public, pg_temp as $$
declare
  token_role text := nullif(current_setting('app.token_role', true), '');
  token_space uuid := nullif(current_setting('app.token_space', true), '')::uuid;
  token_rank integer := least(coalesce(app_role_rank(token_role), 3), app_token_rank_cap());
begin
  return (
    select coalesce(array_agg(m.space_id), '{}')
      from memberships m
     where m.user_id = app_user_id()
       and (token_space is null or m.space_id = token_space)
       and least(app_role_rank(m.role), token_rank) between p_min and p_max
  );
end
$$;

-- Token lookup now says what the token may do. The return type changes, so drop and create.
drop function app_resolve_token(text);
create function app_resolve_token(p_hash text)
returns table (id uuid, user_id uuid, space_id uuid, role text, scopes text[])
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
  return query select v_token.id, v_token.user_id, v_token.space_id, v_token.role, v_token.scopes;
end $$;
revoke all on function app_resolve_token(text) from public;
grant execute on function app_resolve_token(text) to roster_runtime;

-- Members and invitations --------------------------------------------------------------------

-- A membership is made by app_create_space (the creator) and app_accept_invitation (the
-- invitee, signed in, holding the link), never by a direct insert: an owner adding any user id
-- could then read that user's email through users_select. An owner changes a member's role and
-- nothing else of the row: moving a membership to another user would be the same insert.
drop policy memberships_insert on memberships;
revoke insert, update on memberships from roster_runtime;
grant update (role) on memberships to roster_runtime;

drop policy memberships_update on memberships;
create policy memberships_update on memberships for update
  using (space_id = any ((select app_owner_space_ids())::uuid[]) and (select app_token_allows('members')))
  with check (space_id = any ((select app_owner_space_ids())::uuid[]) and (select app_token_allows('members')));
drop policy memberships_delete on memberships;
create policy memberships_delete on memberships for delete
  using (space_id = any ((select app_owner_space_ids())::uuid[]) and (select app_token_allows('members')));

drop policy invitations_all on invitations;
create policy invitations_all on invitations for all
  using (space_id = any ((select app_owner_space_ids())::uuid[]) and (select app_token_allows('members')))
  with check (space_id = any ((select app_owner_space_ids())::uuid[]) and (select app_token_allows('members')));

create or replace function app_invite(p_space uuid, p_email text, p_role text, p_token_hash text) returns uuid
language plpgsql volatile security definer set search_path = public, pg_temp as $$
declare
  v_id uuid;
begin
  if not (p_space = any (app_owner_space_ids())) then
    raise exception 'only owners may invite' using errcode = '42501';
  end if;
  if not app_token_allows('members') then
    raise exception 'an API token needs the "members" scope to invite' using errcode = '42501';
  end if;
  insert into invitations (space_id, email, role, token_hash, invited_by) values (p_space, p_email, p_role, p_token_hash, app_user_id())
  on conflict (space_id, lower(email)) where accepted_at is null
  do update set role = excluded.role, token_hash = excluded.token_hash, invited_by = excluded.invited_by,
                created_at = now(), expires_at = now() + interval '14 days'
  returning id into v_id;
  return v_id;
end $$;

-- Webhooks ------------------------------------------------------------------------------------

-- A webhook is a standing copy of the space's data to a URL outside it, and it keeps sending
-- after the token that made it is revoked: the persistence fault 1 is about. No scope grants
-- it; a signed-in owner manages webhooks and reads their log.
drop policy webhooks_owner on webhooks;
create policy webhooks_owner on webhooks for all
  using (space_id = any ((select app_owner_space_ids())::uuid[])
         and nullif(current_setting('app.token_role', true), '') is null)
  with check (space_id = any ((select app_owner_space_ids())::uuid[])
              and nullif(current_setting('app.token_role', true), '') is null);
drop policy webhook_deliveries_owner on webhook_deliveries;
create policy webhook_deliveries_owner on webhook_deliveries for all
  using (space_id = any ((select app_owner_space_ids())::uuid[])
         and nullif(current_setting('app.token_role', true), '') is null)
  with check (space_id = any ((select app_owner_space_ids())::uuid[])
              and nullif(current_setting('app.token_role', true), '') is null);
