/**
 * Demo data: on the first start of a fresh database (and only then) fills the platform with a
 * plausible city program year, through the other modules' public facades.
 */
@org.springframework.modulith.ApplicationModule
package org.zhice.demo;
