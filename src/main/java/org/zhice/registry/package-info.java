/**
 * Registry: organisations keyed by 统一社会信用代码, GB/T 2260 region codes, people, and the
 * relations between parties. Other modules use {@link org.zhice.registry.Registry} (look-ups,
 * counts, the related-party path) and {@link org.zhice.registry.RegistryDemo} (demo data);
 * bulk import and the pages are internal.
 */
@org.springframework.modulith.ApplicationModule
package org.zhice.registry;
