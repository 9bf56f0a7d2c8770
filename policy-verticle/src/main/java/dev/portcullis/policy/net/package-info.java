/** IP address literals and CIDR ranges, parsed and compared as bytes without ever touching DNS. */
package dev.portcullis.policy.net;
