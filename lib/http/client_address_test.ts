import { equal } from "node:assert/strict";
import { addressGroup } from "./client_address.ts";

Deno.test("IPv6 addresses count by their /64, IPv4 by itself", () => {
  equal(addressGroup("203.0.113.7"), "203.0.113.7");
  equal(addressGroup("2001:db8:1:2:aaaa::1"), "2001:db8:1:2:0:0:0:0/64");
  equal(addressGroup("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2:0:0:0:0/64");
  equal(addressGroup("2001:db8:1:3::1"), "2001:db8:1:3:0:0:0:0/64", "the next /64 is another group");
  equal(addressGroup("::ffff:198.51.100.1"), "198.51.100.1");
  equal(addressGroup("::1"), "0:0:0:0:0:0:0:0/64");
  equal(addressGroup("2001:db8:1:2:3:4:5:6", 48), "2001:db8:1:0:0:0:0:0/48");
  equal(addressGroup("2001:db8:1:2:3:4:5:6", 56), "2001:db8:1:0:0:0:0:0/56");
  equal(addressGroup("2001:db8:1:2ff:3:4:5:6", 56), "2001:db8:1:200:0:0:0:0/56");
  equal(addressGroup("2001:db8::1", 128), "2001:db8:0:0:0:0:0:1/128");
  equal(addressGroup("fe80::1%eth0"), "fe80:0:0:0:0:0:0:0/64");
  equal(addressGroup("not:an:address::x"), "not:an:address::x", "left as it is");
});
