-- Live edits are written in batches (group commit): many edits, from many people, in one
-- transaction with set-based statements, and their Yjs updates appended instead of rewriting
-- the whole stored doc on every edit.

-- A record's Yjs updates since its doc was last compacted into record_docs.state. Loading a
-- doc merges the base state with these; compaction folds them in and deletes them.
create table record_updates (
  id bigint generated always as identity primary key,
  entity_id uuid not null,
  space_id uuid not null,
  "update" bytea not null,
  created_at timestamptz not null default now(),
  foreign key (entity_id, space_id) references entities (id, space_id) on delete cascade
);
create index record_updates_entity_idx on record_updates (entity_id, id);

alter table record_updates enable row level security;
alter table record_updates force row level security;
create policy record_updates_select on record_updates for select using (space_id = any ((select app_read_space_ids())::uuid[]));
create policy record_updates_insert on record_updates for insert with check (space_id = any ((select app_write_space_ids())::uuid[]));
create policy record_updates_delete on record_updates for delete using (space_id = any ((select app_write_space_ids())::uuid[]));
grant select, insert, delete on record_updates to roster_runtime;

-- The stored doc of a record the caller can read: its base state and the updates appended
-- since, in order. Locks the record against writers (FOR SHARE) as before.
drop function app_lock_record_doc(uuid);
create function app_lock_record_doc(p_entity uuid)
returns table (space_id uuid, entity_type_id uuid, state bytea, updates bytea[])
language sql volatile security definer set search_path = public, pg_temp as $$
  select e.space_id, e.entity_type_id, d.state,
         array(select u."update" from record_updates u where u.entity_id = e.id order by u.id)
    from entities e left join record_docs d on d.entity_id = e.id
   where e.id = p_entity and e.space_id = any ((select app_read_space_ids())::uuid[])
     for share of e
$$;
revoke all on function app_lock_record_doc(uuid) from public;
grant execute on function app_lock_record_doc(uuid) to roster_runtime;

-- One batch of live edits. Security invoker: every statement runs as the runtime role under
-- the policies, with the identity of the person whose edits it writes (set per group, as
-- withActor sets it per transaction). Edits arrive grouped by person; each group names the end
-- of its slice of the value arrays and of the update arrays. A fixed number of statements per
-- person, whatever the number of edits.
create function app_apply_live_edits(
  p_users uuid[], p_token_spaces uuid[], p_token_roles text[], p_vias text[],
  p_value_ends int[], p_update_ends int[],
  v_entity uuid[], v_space uuid[], v_type uuid[], v_attribute uuid[], v_key text[],
  v_text text[], v_num numeric[], v_time timestamptz[], v_bool boolean[], v_json jsonb[],
  v_clear boolean[], v_old jsonb[], v_new jsonb[], v_audit boolean[], v_write boolean[],
  u_entity uuid[], u_space uuid[], u_update bytea[], p_entity_counts int[]
) returns void
language plpgsql volatile set search_path = public, pg_temp as $$
declare
  g int;
  vs int := 1;
  us int := 1;
  ve int;
  ue int;
  touched int;
begin
  for g in 1 .. coalesce(array_length(p_users, 1), 0) loop
    ve := p_value_ends[g];
    ue := p_update_ends[g];
    perform set_config('app.current_user_id', p_users[g]::text, true),
            set_config('app.token_space', coalesce(p_token_spaces[g]::text, ''), true),
            set_config('app.token_role', coalesce(p_token_roles[g], ''), true);
    if ve >= vs then
      -- Every record written must be there and writable: RLS hides what is not. The caller
      -- counts the distinct records of each group (p_entity_counts).
      update entities e set updated_at = now(), updated_by = p_users[g]
        from (select distinct t.entity, t.space from unnest(v_entity[vs:ve], v_space[vs:ve]) as t (entity, space)) w
       where e.id = w.entity and e.space_id = w.space;
      get diagnostics touched = row_count;
      if touched < p_entity_counts[g] then
        raise exception 'a record of this batch does not exist or may not be written'
          using errcode = '42501';
      end if;
      insert into eav_values (entity_id, attribute_id, space_id, value_text, value_num, value_time, value_bool, value_json)
      select t.entity, t.attribute, t.space, t.vt, t.vn, t.vtime, t.vb, t.vj
        from unnest(v_entity[vs:ve], v_attribute[vs:ve], v_space[vs:ve], v_text[vs:ve], v_num[vs:ve],
                    v_time[vs:ve], v_bool[vs:ve], v_json[vs:ve], v_clear[vs:ve], v_write[vs:ve])
          as t (entity, attribute, space, vt, vn, vtime, vb, vj, clear, write)
       where t.write and not t.clear
      on conflict (entity_id, attribute_id) do update set
        value_text = excluded.value_text, value_num = excluded.value_num, value_time = excluded.value_time,
        value_bool = excluded.value_bool, value_json = excluded.value_json, value_unconverted = null;
      -- The last edit of a field in the group decides: written (upsert) or cleared (delete).
      if true = any (v_clear[vs:ve]) then
        delete from eav_values e
         using unnest(v_entity[vs:ve], v_attribute[vs:ve], v_space[vs:ve], v_clear[vs:ve], v_write[vs:ve]) as t (entity, attribute, space, clear, write)
         where t.write and t.clear and e.entity_id = t.entity and e.attribute_id = t.attribute and e.space_id = t.space;
      end if;
      if true = any (v_audit[vs:ve]) then
      insert into audit_log (space_id, entity_type_id, entity_id, attribute_id, attribute_key, actor_id, via, action, old_value, new_value)
      select t.space, t.type, t.entity, t.attribute, t.key, p_users[g], p_vias[g], 'update', t.old, t.new
        from unnest(v_space[vs:ve], v_type[vs:ve], v_entity[vs:ve], v_attribute[vs:ve], v_key[vs:ve],
                    v_old[vs:ve], v_new[vs:ve], v_audit[vs:ve])
          as t (space, type, entity, attribute, key, old, new, audit)
       where t.audit;
      end if;
    end if;
    if ue >= us then
      insert into record_updates (entity_id, space_id, "update")
      select t.entity, t.space, t.upd from unnest(u_entity[us:ue], u_space[us:ue], u_update[us:ue]) as t (entity, space, upd);
    end if;
    vs := ve + 1;
    us := ue + 1;
  end loop;
end
$$;
revoke all on function app_apply_live_edits(uuid[], uuid[], text[], text[], int[], int[], uuid[], uuid[], uuid[], uuid[], text[], text[], numeric[], timestamptz[], boolean[], jsonb[], boolean[], jsonb[], jsonb[], boolean[], boolean[], uuid[], uuid[], bytea[], int[]) from public;
grant execute on function app_apply_live_edits(uuid[], uuid[], text[], text[], int[], int[], uuid[], uuid[], uuid[], uuid[], text[], text[], numeric[], timestamptz[], boolean[], jsonb[], boolean[], jsonb[], jsonb[], boolean[], boolean[], uuid[], uuid[], bytea[], int[]) to roster_runtime;
