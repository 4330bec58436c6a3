-- The functions the policies call, computed straight from memberships in PL/pgSQL. They used to
-- be SQL functions over the set-returning app_memberships(): not inlinable (SECURITY DEFINER,
-- SET search_path), so every call planned two queries and materialized a set. Measured in one
-- session as the runtime role, 500 calls of app_write_space_ids() took 83 ms (0.17 ms each);
-- an insert into eav_values evaluates up to four of them through its policies, and a batch of
-- live edits runs five statements per person. PL/pgSQL keeps its plans for the session.
--
-- Same rules as app_memberships(): an API token narrows the member's spaces to its own, and the
-- member's role to the lower of the two by rank (owner 3, editor 2, viewer 1, checkin 0).

-- The spaces where the caller's effective role ranks between p_min and p_max.
create function app_space_ids_ranked(p_min integer, p_max integer) returns uuid[]
language plpgsql stable security definer set search_path = public, pg_temp as $$
declare
  token_role text := nullif(current_setting('app.token_role', true), '');
  token_space uuid := nullif(current_setting('app.token_space', true), '')::uuid;
  token_rank integer := app_role_rank(token_role);
begin
  return (
    select coalesce(array_agg(m.space_id), '{}')
      from memberships m
     where m.user_id = app_user_id()
       and (token_space is null or m.space_id = token_space)
       and least(app_role_rank(m.role), coalesce(token_rank, 3)) between p_min and p_max
  );
end
$$;

create or replace function app_member_space_ids() returns uuid[]
language plpgsql stable security definer set search_path = public, pg_temp as $$
begin
  return app_space_ids_ranked(0, 3);
end
$$;

create or replace function app_read_space_ids() returns uuid[]
language plpgsql stable security definer set search_path = public, pg_temp as $$
begin
  return app_space_ids_ranked(1, 3);
end
$$;

create or replace function app_write_space_ids() returns uuid[]
language plpgsql stable security definer set search_path = public, pg_temp as $$
begin
  return app_space_ids_ranked(2, 3);
end
$$;

create or replace function app_owner_space_ids() returns uuid[]
language plpgsql stable security definer set search_path = public, pg_temp as $$
begin
  return app_space_ids_ranked(3, 3);
end
$$;

create or replace function app_checkin_attribute_ids(writable boolean) returns uuid[]
language plpgsql stable security definer set search_path = public, pg_temp as $$
declare
  spaces uuid[] := app_space_ids_ranked(0, 0);
begin
  if cardinality(spaces) = 0 then return '{}'; end if;
  return (
    select coalesce(array_agg(a.id), '{}')
      from attributes a
     where a.space_id = any (spaces)
       and (a.checkin_access = 'write' or (not writable and a.checkin_access = 'read'))
  );
end
$$;

create or replace function app_checkin_writable_pairs() returns text[]
language plpgsql stable security definer set search_path = public, pg_temp as $$
declare
  spaces uuid[] := app_space_ids_ranked(0, 0);
begin
  if cardinality(spaces) = 0 then return '{}'; end if;
  return (
    select coalesce(array_agg(a.space_id::text || ':' || a.id::text), '{}')
      from attributes a
     where a.space_id = any (spaces) and a.checkin_access = 'write'
  );
end
$$;

create or replace function app_checkin_entity_type_ids() returns uuid[]
language plpgsql stable security definer set search_path = public, pg_temp as $$
declare
  spaces uuid[] := app_space_ids_ranked(0, 0);
begin
  if cardinality(spaces) = 0 then return '{}'; end if;
  return (
    select coalesce(array_agg(distinct a.entity_type_id), '{}')
      from attributes a
     where a.space_id = any (spaces) and a.checkin_access in ('read', 'write')
  );
end
$$;

revoke all on function app_space_ids_ranked(integer, integer) from public;
grant execute on function app_space_ids_ranked(integer, integer) to roster_runtime;
