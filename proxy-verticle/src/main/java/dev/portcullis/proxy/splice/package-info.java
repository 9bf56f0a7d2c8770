/** Stage 6 (decryption exception): relay bytes both ways with back-pressure, idle timeout and half-close. */
package dev.portcullis.proxy.splice;
