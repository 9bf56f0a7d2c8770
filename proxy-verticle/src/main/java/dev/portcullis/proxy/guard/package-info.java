/** Stage 4: after resolution, refuse destinations in guarded ranges (SSRF defence), apart from any host matching. */
package dev.portcullis.proxy.guard;
