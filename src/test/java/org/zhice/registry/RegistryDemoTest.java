package org.zhice.registry;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.zhice.shared.Uscc;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo registry: plausible, deterministic, quick to load, with related-party cases. */
@SpringBootTest
@AutoConfigureMockMvc
class RegistryDemoTest {

    final RegistryDemo demo;
    final Registry registry;

    @Autowired
    RegistryDemoTest(RegistryDemo demo, Registry registry) {
        this.demo = demo;
        this.registry = registry;
    }

    @Test
    void generatesTheSamePlausibleDataEveryTime() {
        RegistryDemo.Generated first = RegistryDemo.generate();
        assertThat(RegistryDemo.generate()).isEqualTo(first);

        List<Organisation> enterprises = first.organisations().stream()
                .filter(o -> o.kind() == OrganisationKind.ENTERPRISE).toList();
        assertThat(enterprises).hasSizeGreaterThanOrEqualTo(200);
        assertThat(first.organisations()).allSatisfy(o -> {
            assertThat(Uscc.isValid(o.uscc())).as(o.uscc()).isTrue();
            assertThat(o.uscc().substring(2, 8)).isEqualTo(o.regionCode());
        });
        Set<String> districts = enterprises.stream().map(Organisation::regionCode).filter(r -> r.startsWith("3301"))
                .collect(Collectors.toSet());
        assertThat(districts).hasSizeGreaterThanOrEqualTo(12);
        assertThat(first.organisations().stream().filter(o -> o.kind() == OrganisationKind.PROVIDER)).hasSizeGreaterThanOrEqualTo(10);
        assertThat(first.organisations()).extracting(Organisation::name)
                .contains("杭州市经济和信息化局", "杭州市数据资源管理局", "杭州云栖智算科技有限公司", "杭州智算中心运营有限公司")
                .doesNotHaveDuplicates();
        assertThat(first.people()).allSatisfy(p ->
                assertThat(p.idNumber().charAt(17)).isEqualTo(IdNumber.checkCharacter(p.idNumber())));
    }

    @Test
    void loadsQuicklyOnceAndCarriesRelatedPartyCases() {
        long started = System.nanoTime();
        RegistryDemo.DemoParties parties = demo.load();
        long millis = (System.nanoTime() - started) / 1_000_000;
        assertThat(millis).as("load time in ms").isLessThan(5_000);
        Registry.Counts counts = registry.counts();
        assertThat(demo.load()).isEqualTo(parties);
        assertThat(registry.counts()).isEqualTo(counts);

        assertThat(registry.organisation(parties.showcaseEnterprise())).hasValueSatisfying(o ->
                assertThat(o.kind()).isEqualTo(OrganisationKind.ENTERPRISE));
        assertThat(registry.organisation(parties.showcaseProvider())).hasValueSatisfying(o ->
                assertThat(o.kind()).isEqualTo(OrganisationKind.PROVIDER));
        assertThat(registry.organisation(parties.programOffice())).hasValueSatisfying(o ->
                assertThat(o.name()).isEqualTo("杭州市经济和信息化局"));
        assertThat(registry.relatedPath(parties.showcaseEnterprise(), parties.showcaseProvider(), 2)).isEmpty();
        assertThat(registry.relatedPath(parties.relatedEnterprise(), parties.showcaseProvider(), 2))
                .hasValueSatisfying(path -> {
                    assertThat(path.edges()).isEqualTo(2);
                    assertThat(path.parties().get(1).person()).isTrue();
                });

        // every kind of case among all enterprise–provider pairs: 1 edge (subsidiary) and 2 edges (shared person)
        RegistryDemo.Generated data = RegistryDemo.generate();
        List<String> providers = data.organisations().stream().filter(o -> o.kind() == OrganisationKind.PROVIDER)
                .map(Organisation::uscc).toList();
        List<String> enterprises = data.organisations().stream().filter(o -> o.kind() == OrganisationKind.ENTERPRISE)
                .map(Organisation::uscc).toList();
        Set<Integer> lengths = new java.util.TreeSet<>();
        for (String p : providers) {
            for (String e : enterprises) {
                registry.relatedPath(e, p, 2).ifPresent(path -> lengths.add(path.edges()));
            }
        }
        assertThat(lengths).containsExactly(1, 2);
    }
}
