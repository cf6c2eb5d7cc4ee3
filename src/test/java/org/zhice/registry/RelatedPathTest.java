package org.zhice.registry;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Shortest related-party paths in the undirected relation graph. */
@SpringBootTest
@AutoConfigureMockMvc
class RelatedPathTest {

    final Registry registry;
    final RegistryImport imports;
    final RegistryWrites writes;
    final org.springframework.transaction.support.TransactionTemplate tx;

    @Autowired
    RelatedPathTest(Registry registry, RegistryImport imports, RegistryWrites writes, org.springframework.transaction.support.TransactionTemplate tx) {
        this.registry = registry;
        this.imports = imports;
        this.writes = writes;
        this.tx = tx;
    }

    @Test
    void findsOneAndTwoEdgePathsButNotThreeWithinTwo() {
        // enterprise E —legal_rep— person X —officer— provider P —subsidiary— S; person Y —shareholder— S, Y —shareholder— F
        String e = TestCodes.uscc();
        String p = TestCodes.uscc();
        String s = TestCodes.uscc();
        String f = TestCodes.uscc();
        String x = TestCodes.person();
        String y = TestCodes.person();
        organisations(e, "enterprise", p, "provider", s, "enterprise", f, "enterprise");
        people(x, y);
        relations(x + "," + e + ",legal_rep", x + "," + p + ",officer", s + "," + p + ",subsidiary",
                y + "," + s + ",shareholder", y + "," + f + ",shareholder");

        RelatedPath direct = registry.relatedPath(s, p, 2).orElseThrow();
        assertThat(direct.edges()).isEqualTo(1);
        assertThat(direct.parties()).extracting(Party::id).containsExactly(s, p);
        assertThat(direct.links()).containsExactly(new RelatedPath.Link(s, p, "subsidiary"));

        RelatedPath viaPerson = registry.relatedPath(e, p, 2).orElseThrow();
        assertThat(viaPerson.parties()).extracting(Party::id).containsExactly(e, x, p);
        assertThat(viaPerson.parties()).extracting(Party::kind).containsExactly("enterprise", "person", "provider");
        assertThat(viaPerson.links()).containsExactly(new RelatedPath.Link(x, e, "legal_rep"), new RelatedPath.Link(x, p, "officer"));
        assertThat(viaPerson.describe()).contains("—legal_rep—", "—officer—");
        assertThat(registry.relatedPath(p, e, 2).orElseThrow().parties()).extracting(Party::id).containsExactly(p, x, e);

        // E – X – P – S is three edges: not related within two, found within three
        assertThat(registry.relatedPath(e, s, 2)).isEmpty();
        assertThat(registry.relatedPath(e, s, 3).orElseThrow().parties()).extracting(Party::id).containsExactly(e, x, p, s);
        // F – Y – S – P – X – E is five edges
        assertThat(registry.relatedPath(f, e, 4)).isEmpty();
        assertThat(registry.relatedPath(f, e, 5)).hasValueSatisfying(path -> assertThat(path.edges()).isEqualTo(5));

        assertThat(registry.relatedPath(e, e, 2)).hasValueSatisfying(path -> assertThat(path.edges()).isZero());
        assertThat(registry.relatedPath(e, TestCodes.uscc(), 2)).isEmpty();
        assertThatThrownBy(() -> registry.relatedPath(e, p, 7)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theShortestOfSeveralPathsWinsAndTheAnswerIsFastOnTenThousandRelations() {
        // a random graph: 3,000 organisations, 2,000 people, 10,000 relations, written directly (the import's
        // per-row audit entries are not what this test measures)
        Random random = new Random(7);
        List<String> orgs = new ArrayList<>();
        List<Organisation> organisations = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            String uscc = TestCodes.uscc("330110");
            orgs.add(uscc);
            organisations.add(new Organisation(uscc, "图测试" + i, OrganisationKind.ENTERPRISE, "330110", null, null, false, null, null));
        }
        List<String> people = new ArrayList<>();
        List<Person> persons = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            String id = TestCodes.person();
            people.add(id);
            persons.add(new Person(id, "某" + i, null, null));
        }
        java.util.Set<RelatedPath.Link> links = new java.util.LinkedHashSet<>();
        while (links.size() < 10_000) {
            links.add(new RelatedPath.Link(people.get(random.nextInt(people.size())), orgs.get(random.nextInt(orgs.size())),
                    "shareholder"));
        }
        tx.executeWithoutResult(status -> {
            writes.insertOrganisations(organisations);
            writes.insertPeople(persons);
            writes.insertRelations(new ArrayList<>(links));
        });

        // add a shortcut between two far-apart organisations through one new person
        String a = orgs.get(0);
        String b = orgs.get(1);
        int before = registry.relatedPath(a, b, 6).map(RelatedPath::edges).orElse(Integer.MAX_VALUE);
        String shortcut = TestCodes.person();
        people(shortcut);
        relations(shortcut + "," + a + ",officer", shortcut + "," + b + ",officer");
        assertThat(before).isGreaterThanOrEqualTo(2);
        assertThat(registry.relatedPath(a, b, 6).orElseThrow().parties()).extracting(Party::id)
                .hasSize(3).element(0).isEqualTo(a);

        long started = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            registry.relatedPath(orgs.get(random.nextInt(orgs.size())), orgs.get(random.nextInt(orgs.size())), 2);
        }
        long perCallMicros = (System.nanoTime() - started) / 100 / 1_000;
        assertThat(perCallMicros).as("microseconds per 2-edge question").isLessThan(50_000);
    }

    private void organisations(String... usccAndKind) {
        StringBuilder csv = new StringBuilder("uscc,name,kind,region_code\n");
        for (int i = 0; i < usccAndKind.length; i += 2) {
            csv.append(usccAndKind[i]).append(",路径测试").append(i).append(',').append(usccAndKind[i + 1]).append(",330106\n");
        }
        assertThat(imports.run(ImportKind.ORGANISATIONS, "path-orgs.csv", bytes(csv)).problems()).isEmpty();
    }

    private void people(String... ids) {
        StringBuilder csv = new StringBuilder("person_id,name\n");
        for (String id : ids) {
            csv.append(id).append(",某人\n");
        }
        assertThat(imports.run(ImportKind.PEOPLE, "path-people.csv", bytes(csv)).problems()).isEmpty();
    }

    private void relations(String... rows) {
        String csv = "party_a,party_b,type\n" + String.join("\n", rows) + "\n";
        assertThat(imports.run(ImportKind.RELATIONS, "path-relations.csv", bytes(new StringBuilder(csv))).problems()).isEmpty();
    }

    private static byte[] bytes(CharSequence text) {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
