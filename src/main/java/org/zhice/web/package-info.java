/**
 * The UI shell: layout, navigation by role, language switch, landing page, errors.
 * Each capability keeps its own pages beside its code; this module holds what they share.
 */
@org.springframework.modulith.ApplicationModule
package org.zhice.web;
