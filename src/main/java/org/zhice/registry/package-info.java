/** Registry: organisations keyed by 统一社会信用代码, region codes, people and relations between parties. */
@org.springframework.modulith.ApplicationModule
package org.zhice.registry;
