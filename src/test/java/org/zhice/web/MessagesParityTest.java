package org.zhice.web;

import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;

import static org.assertj.core.api.Assertions.assertThat;

/** Every page and message exists in zh-CN and en: each bundle's two files have the same keys. */
class MessagesParityTest {

    @Test
    void everyChineseMessageHasAnEnglishOneAndBack() throws IOException {
        var resolver = new PathMatchingResourcePatternResolver();
        Resource[] chinese = resolver.getResources("classpath*:i18n/*.properties");
        int bundles = 0;
        for (Resource zh : chinese) {
            String name = zh.getFilename();
            if (name == null || name.contains("_")) {
                continue;
            }
            bundles++;
            Resource en = zh.createRelative(name.replace(".properties", "_en.properties"));
            assertThat(en.exists()).as("English bundle for " + name).isTrue();
            Set<String> zhKeys = keys(zh);
            Set<String> enKeys = keys(en);
            assertThat(difference(zhKeys, enKeys)).as("keys of " + name + " missing in English").isEmpty();
            assertThat(difference(enKeys, zhKeys)).as("keys of " + name + " missing in Chinese").isEmpty();
        }
        assertThat(bundles).isGreaterThanOrEqualTo(3);
    }

    @Test
    void bundlesRegisteredInTheMessageSourceExist() {
        var resolver = new PathMatchingResourcePatternResolver();
        long present = java.util.Arrays.stream(WebConfiguration.MESSAGE_BUNDLES)
                .filter(base -> resolver.getResource(base + ".properties").exists())
                .count();
        assertThat(present).isGreaterThanOrEqualTo(3);
    }

    private static Set<String> keys(Resource resource) throws IOException {
        Properties properties = new Properties();
        try (var reader = new InputStreamReader(resource.getInputStream(), StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        return new TreeSet<>(properties.stringPropertyNames());
    }

    private static Set<String> difference(Set<String> a, Set<String> b) {
        Set<String> d = new TreeSet<>(a);
        d.removeAll(b);
        return d;
    }
}
