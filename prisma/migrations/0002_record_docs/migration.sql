-- A record's Yjs state is made once, from its EAV values, and then only ever merged into.
-- Whoever first opens a record may be a viewer, who may not write record_docs; these two
-- functions let any reader of the record take part in that one-time creation, and nothing else.

-- Locks the record against writers (FOR SHARE: writers take FOR NO KEY UPDATE) while its
-- values are read to build the doc, and returns the stored state if there is one. No row:
-- the caller cannot see the record.
create function app_lock_record_doc(p_entity uuid)
returns table (space_id uuid, entity_type_id uuid, state bytea)
language sql volatile security definer set search_path = public, pg_temp as $$
  select e.space_id, e.entity_type_id, d.state
    from entities e left join record_docs d on d.entity_id = e.id
   where e.id = p_entity and e.space_id = any ((select app_read_space_ids())::uuid[])
     for share of e
$$;

-- Stores the first state of a record's doc unless another process stored one first, and
-- returns whichever state is stored.
create function app_init_record_doc(p_entity uuid, p_state bytea) returns bytea
language plpgsql volatile security definer set search_path = public, pg_temp as $$
begin
  insert into record_docs (entity_id, space_id, state)
  select e.id, e.space_id, p_state from entities e
   where e.id = p_entity and e.space_id = any ((select app_read_space_ids())::uuid[])
  on conflict (entity_id) do nothing;
  return (select d.state from record_docs d
           where d.entity_id = p_entity and d.space_id = any ((select app_read_space_ids())::uuid[]));
end
$$;

revoke all on function app_lock_record_doc(uuid) from public;
revoke all on function app_init_record_doc(uuid, bytea) from public;
grant execute on function app_lock_record_doc(uuid) to roster_runtime;
grant execute on function app_init_record_doc(uuid, bytea) to roster_runtime;
