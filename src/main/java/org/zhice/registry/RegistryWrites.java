package org.zhice.registry;

import org.zhice.shared.SensitiveData;
import java.sql.Types;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/**
 * Batched writes of organisations, people and relations. Callers run them inside their own
 * transaction and record each change in the audit log there.
 */
@Component
class RegistryWrites {

    private final JdbcTemplate batch;
    private final JdbcClient jdbc;
    private final Clock clock;
    private final SensitiveData sensitive;

    RegistryWrites(JdbcTemplate batch, JdbcClient jdbc, Clock clock, SensitiveData sensitive) {
        this.sensitive = sensitive;
        this.batch = batch;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    Map<String, Organisation> existingOrganisations(Collection<String> usccs) {
        Map<String, Organisation> found = new HashMap<>();
        if (usccs.isEmpty()) {
            return found;
        }
        jdbc.sql("""
                select uscc, name, kind, region_code, founded_on, registered_capital_fen, is_startup, industry, address
                from organisation where uscc = any(:ids)
                """)
                .param("ids", usccs.toArray(String[]::new))
                .query(Registry::organisation)
                .list()
                .forEach(o -> found.put(o.uscc(), o));
        return found;
    }

    /** ID and phone numbers are stored SM4-encrypted; callers in this module see them in clear. */
    Person decrypted(Person p) {
        return new Person(p.personId(), p.name(), sensitive.decrypt(p.idNumber()), sensitive.decrypt(p.phone()));
    }

    Map<String, Person> existingPeople(Collection<String> ids) {
        Map<String, Person> found = new HashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        jdbc.sql("select person_id, name, id_number, phone from person where person_id = any(:ids)")
                .param("ids", ids.toArray(String[]::new))
                .query(Person.class)
                .list()
                .forEach(p -> found.put(p.personId(), decrypted(p)));
        return found;
    }

    List<String> existingParties(Collection<String> ids) {
        if (ids.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("select id from party where id = any(:ids)")
                .param("ids", ids.toArray(String[]::new))
                .query(String.class)
                .list();
    }

    @Transactional(propagation = Propagation.MANDATORY)
    void insertOrganisations(List<Organisation> organisations) {
        insertParties(organisations.stream().map(Organisation::uscc).toList(), "organisation");
        OffsetDateTime now = now();
        List<Object[]> args = new ArrayList<>();
        for (Organisation o : organisations) {
            args.add(new Object[] {o.uscc(), o.name(), o.kind().code(), o.regionCode(), o.foundedOn(),
                    o.registeredCapitalFen(), o.startup(), o.industry(), o.address(), now, now});
        }
        batch.batchUpdate("""
                insert into organisation (uscc, name, kind, region_code, founded_on, registered_capital_fen,
                                          is_startup, industry, address, created_at, updated_at)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, args, new int[] {Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.CHAR, Types.DATE, Types.BIGINT,
                Types.BOOLEAN, Types.VARCHAR, Types.VARCHAR, Types.TIMESTAMP_WITH_TIMEZONE, Types.TIMESTAMP_WITH_TIMEZONE});
    }

    @Transactional(propagation = Propagation.MANDATORY)
    void updateOrganisations(List<Organisation> organisations) {
        OffsetDateTime now = now();
        List<Object[]> args = new ArrayList<>();
        for (Organisation o : organisations) {
            args.add(new Object[] {o.name(), o.kind().code(), o.regionCode(), o.foundedOn(), o.registeredCapitalFen(),
                    o.startup(), o.industry(), o.address(), now, o.uscc()});
        }
        batch.batchUpdate("""
                update organisation set name = ?, kind = ?, region_code = ?, founded_on = ?, registered_capital_fen = ?,
                                        is_startup = ?, industry = ?, address = ?, updated_at = ?
                where uscc = ?
                """, args, new int[] {Types.VARCHAR, Types.VARCHAR, Types.CHAR, Types.DATE, Types.BIGINT, Types.BOOLEAN,
                Types.VARCHAR, Types.VARCHAR, Types.TIMESTAMP_WITH_TIMEZONE, Types.VARCHAR});
    }

    @Transactional(propagation = Propagation.MANDATORY)
    void insertPeople(List<Person> people) {
        insertParties(people.stream().map(Person::personId).toList(), "person");
        OffsetDateTime now = now();
        List<Object[]> args = new ArrayList<>();
        for (Person p : people) {
            args.add(new Object[] {p.personId(), p.name(), sensitive.encrypt(p.idNumber()), sensitive.encrypt(p.phone()), now, now});
        }
        batch.batchUpdate("""
                insert into person (person_id, name, id_number, phone, created_at, updated_at)
                values (?, ?, ?, ?, ?, ?)
                """, args, new int[] {Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.VARCHAR,
                Types.TIMESTAMP_WITH_TIMEZONE, Types.TIMESTAMP_WITH_TIMEZONE});
    }

    @Transactional(propagation = Propagation.MANDATORY)
    void updatePeople(List<Person> people) {
        OffsetDateTime now = now();
        List<Object[]> args = new ArrayList<>();
        for (Person p : people) {
            args.add(new Object[] {p.name(), sensitive.encrypt(p.idNumber()), sensitive.encrypt(p.phone()), now, p.personId()});
        }
        batch.batchUpdate("""
                update person set name = ?, id_number = ?, phone = ?, updated_at = ? where person_id = ?
                """, args, new int[] {Types.VARCHAR, Types.VARCHAR, Types.VARCHAR, Types.TIMESTAMP_WITH_TIMEZONE,
                Types.VARCHAR});
    }

    /** Inserts the relations that are not recorded yet; returns, per relation, whether it was new. */
    @Transactional(propagation = Propagation.MANDATORY)
    boolean[] insertRelations(List<RelatedPath.Link> links) {
        OffsetDateTime now = now();
        List<Object[]> args = new ArrayList<>();
        for (RelatedPath.Link link : links) {
            args.add(new Object[] {link.partyA(), link.partyB(), link.type(), now});
        }
        int[][] counts = batch.batchUpdate("""
                insert into party_relation (party_a, party_b, type, created_at) values (?, ?, ?, ?)
                on conflict on constraint party_relation_unique do nothing
                """, args, 1000, (ps, row) -> {
            ps.setString(1, (String) row[0]);
            ps.setString(2, (String) row[1]);
            ps.setString(3, (String) row[2]);
            ps.setObject(4, row[3]);
        });
        boolean[] inserted = new boolean[links.size()];
        int i = 0;
        for (int[] chunk : counts) {
            for (int count : chunk) {
                inserted[i++] = count > 0;
            }
        }
        return inserted;
    }

    private void insertParties(List<String> ids, String kind) {
        List<Object[]> args = ids.stream().map(id -> new Object[] {id, kind}).toList();
        batch.batchUpdate("insert into party (id, kind) values (?, ?) on conflict (id) do nothing", args,
                new int[] {Types.VARCHAR, Types.VARCHAR});
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
