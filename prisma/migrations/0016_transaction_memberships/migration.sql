-- The caller's memberships, read once per transaction instead of once per policy per statement.
--
-- Every policy asks app_space_ids_ranked() (through app_read_space_ids() and its siblings) or
-- app_memberships() which spaces the caller holds, and each call queried memberships. A read of
-- one record ran that query in four statements; a write in up to eight. Now the first call of a
-- transaction computes the caller's effective rank in each space (member role narrowed by the
-- token's role and scopes, exactly as before) and keeps it in the transaction-local setting
-- `app.membership_cache`; later calls read it back.
--
-- The wall stays where it was: the setting is keyed by the identity it was computed for
-- (user, token space, token role, token scopes), so a function that switches identity inside a
-- transaction (app_apply_live_edits) gets a fresh computation; any insert, update or delete on
-- memberships clears it in that transaction (a space created and used in one transaction sees
-- its new membership); and it dies with the transaction, so the next one sees every membership
-- change that committed before it began. Only a change committed by another session while a
-- transaction runs is not seen by that (short) transaction's later statements.

create function app_member_ranks() returns text[]
language plpgsql stable security definer set search_path = public, pg_temp as $$
declare
  identity text := concat_ws('/', current_setting('app.current_user_id', true),
                             current_setting('app.token_space', true),
                             current_setting('app.token_role', true),
                             current_setting('app.token_scopes', true));
  cached text := current_setting('app.membership_cache', true);
  token_role text := nullif(current_setting('app.token_role', true), '');
  token_space uuid := nullif(current_setting('app.token_space', true), '')::uuid;
  token_rank integer;
  ranks text[];
begin
  if cached is not null and cached <> '' and split_part(cached, '|', 1) = identity then
    return split_part(cached, '|', 2)::text[];
  end if;
  token_rank := least(coalesce(app_role_rank(token_role), 3), app_token_rank_cap());
  select coalesce(array_agg(m.space_id::text || ':' || least(app_role_rank(m.role), token_rank)), '{}')
    into ranks
    from memberships m
   where m.user_id = app_user_id()
     and (token_space is null or m.space_id = token_space);
  perform set_config('app.membership_cache', identity || '|' || ranks::text, true);
  return ranks;
end
$$;
revoke all on function app_member_ranks() from public;
grant execute on function app_member_ranks() to roster_runtime;

create or replace function app_space_ids_ranked(p_min integer, p_max integer) returns uuid[]
language plpgsql stable security definer set search_path = public, pg_temp as $$
begin
  return (
    select coalesce(array_agg(split_part(r, ':', 1)::uuid), '{}')
      from unnest(app_member_ranks()) r
     where split_part(r, ':', 2)::integer between p_min and p_max
  );
end
$$;

create or replace function app_memberships() returns table (space_id uuid, role text)
language sql stable security definer set search_path = public, pg_temp as $$
  select split_part(r, ':', 1)::uuid,
         case split_part(r, ':', 2)::integer
           when 3 then 'owner' when 2 then 'editor' when 1 then 'viewer' else 'checkin'
         end
    from unnest(app_member_ranks()) r
$$;

create function app_forget_member_ranks() returns trigger
language plpgsql as $$
begin
  perform set_config('app.membership_cache', '', true);
  return null;
end
$$;
create trigger memberships_forget_ranks after insert or update or delete or truncate on memberships
  for each statement execute function app_forget_member_ranks();

-- The token lookup also says when the token expires, so the app may keep the answer for a few
-- seconds (resolveBearer) without serving a token past its expiry.
drop function app_resolve_token(text);
create function app_resolve_token(p_hash text)
returns table (id uuid, user_id uuid, space_id uuid, role text, scopes text[], expires_at timestamptz)
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
  return query select v_token.id, v_token.user_id, v_token.space_id, v_token.role, v_token.scopes,
                      v_token.expires_at;
end $$;
revoke all on function app_resolve_token(text) from public;
grant execute on function app_resolve_token(text) to roster_runtime;

-- Full-text search over text values (PostgREST's fts, plfts, phfts, wfts): the expression the
-- compiler writes for the default `simple` configuration, so such a filter can use it.
create index eav_values_fts_idx on eav_values using gin (to_tsvector('simple'::regconfig, value_text))
  where value_text is not null;
