/* test_ipcfg.c: dracut's ip=, nameserver=, vlan= (ipcfg.h). */
#include "unit.h"

#include "net/ipcfg.h"

#include <arpa/inet.h>

TEST(ipcfg_methods_alone)
{
	struct ipcfg_entry en;
	struct err e;
	CHECK_EQ_INT(ipcfg_parse_ip("dhcp", &en, &e), 0);
	CHECK_EQ_INT(en.methods, IPCFG_DHCP);
	CHECK_EQ_INT(ipcfg_parse_ip("dhcp6", &en, &e), 0);
	CHECK_EQ_INT(en.methods, IPCFG_DHCP6);
	CHECK_EQ_INT(ipcfg_parse_ip("auto6", &en, &e), 0);
	CHECK_EQ_INT(en.methods, IPCFG_AUTO6);
	CHECK_EQ_INT(ipcfg_parse_ip("off", &en, &e), 0);
	CHECK_EQ_INT(en.methods, IPCFG_OFF);
	CHECK(ipcfg_parse_ip("bogus", &en, &e) < 0);
	CHECK(ipcfg_parse_ip("ibft", &en, &e) < 0);
}

TEST(ipcfg_iface_method)
{
	struct ipcfg_entry en;
	struct err e;
	CHECK_EQ_INT(ipcfg_parse_ip("eth1:dhcp", &en, &e), 0);
	CHECK_EQ_STR(en.ifname, "eth1");
	CHECK_EQ_INT(en.methods, IPCFG_DHCP);
	CHECK_EQ_INT(ipcfg_parse_ip("eth1:dhcp6:9000", &en, &e), 0);
	CHECK_EQ_INT(en.mtu, 9000);
	CHECK_EQ_INT(ipcfg_parse_ip("eth1:dhcp:1500:52:54:00:12:34:56", &en, &e), 0);
	CHECK_EQ_INT(en.has_mac, 1);
	CHECK(en.mac[0] == 0x52 && en.mac[5] == 0x56);
	CHECK(ipcfg_parse_ip("eth1:dhcp:12", &en, &e) < 0);          /* MTU too small */
	CHECK(ipcfg_parse_ip("eth1:dhcp:1500:52:54", &en, &e) < 0);  /* short MAC */
	CHECK(ipcfg_parse_ip("averyveryverylongname:dhcp", &en, &e) < 0);
}

TEST(ipcfg_static_v4)
{
	struct ipcfg_entry en;
	struct err e;
	char a[64];
	CHECK_EQ_INT(ipcfg_parse_ip("192.0.2.10::192.0.2.1:255.255.255.0:dev1.example.net:eth0:none:192.0.2.53:198.51.100.53",
				    &en, &e), 0);
	CHECK_EQ_INT(en.methods, IPCFG_STATIC);
	CHECK_EQ_STR(ipcfg_addr_str(&en.addr, a, sizeof a), "192.0.2.10");
	CHECK_EQ_STR(ipcfg_addr_str(&en.gw, a, sizeof a), "192.0.2.1");
	CHECK_EQ_INT(en.prefix, 24);
	CHECK_EQ_STR(en.hostname, "dev1.example.net");
	CHECK_EQ_STR(en.ifname, "eth0");
	CHECK_EQ_STR(ipcfg_addr_str(&en.dns[0], a, sizeof a), "192.0.2.53");
	CHECK_EQ_STR(ipcfg_addr_str(&en.dns[1], a, sizeof a), "198.51.100.53");
	/* prefix length, empty method, MTU form */
	CHECK_EQ_INT(ipcfg_parse_ip("192.0.2.10::192.0.2.1:16:::", &en, &e), 0);
	CHECK_EQ_INT(en.prefix, 16);
	CHECK_EQ_INT(en.methods, IPCFG_STATIC);
	CHECK_EQ_STR(en.ifname, "");
	CHECK_EQ_INT(ipcfg_parse_ip("192.0.2.10::192.0.2.1:24::eth0:off:1400", &en, &e), 0);
	CHECK_EQ_INT(en.mtu, 1400);
	/* errors */
	CHECK(ipcfg_parse_ip("192.0.2.300::192.0.2.1:24::eth0:none", &en, &e) < 0);
	CHECK(ipcfg_parse_ip("192.0.2.10::192.0.2.1:255.0.255.0::eth0:none", &en, &e) < 0);
	CHECK(strstr(e.msg, "contiguous") != NULL);
	CHECK(ipcfg_parse_ip("192.0.2.10::192.0.2.1:33::eth0:none", &en, &e) < 0);
	CHECK(ipcfg_parse_ip("192.0.2.10::192.0.2.1:24::eth0:sometimes", &en, &e) < 0);
	CHECK(ipcfg_parse_ip("192.0.2.10::[2001:db8::1]:24::eth0:none", &en, &e) < 0);
	CHECK(ipcfg_parse_ip("192.0.2.10::192.0.2.1:24", &en, &e) < 0);
	CHECK(ipcfg_parse_ip("192.0.2.10::192.0.2.1:24::eth0:none:x.y:z", &en, &e) < 0);
}

TEST(ipcfg_static_v6)
{
	struct ipcfg_entry en;
	struct err e;
	char a[64];
	CHECK_EQ_INT(ipcfg_parse_ip("[2001:db8::10]::[2001:db8::1]:64:h:eth0:none:[2001:db8::53]",
				    &en, &e), 0);
	CHECK_EQ_INT(en.addr.family, AF_INET6);
	CHECK_EQ_STR(ipcfg_addr_str(&en.addr, a, sizeof a), "2001:db8::10");
	CHECK_EQ_STR(ipcfg_addr_str(&en.gw, a, sizeof a), "2001:db8::1");
	CHECK_EQ_INT(en.prefix, 64);
	CHECK_EQ_STR(ipcfg_addr_str(&en.dns[0], a, sizeof a), "2001:db8::53");
	CHECK(ipcfg_parse_ip("[2001:db8::10::]::[2001:db8::1]:64::eth0:none", &en, &e) < 0);
	CHECK(ipcfg_parse_ip("[2001:db8::10::[2001:db8::1]:64::eth0:none", &en, &e) < 0);
}

TEST(ipcfg_vlan)
{
	struct ipcfg_vlan v;
	struct err e;
	CHECK_EQ_INT(ipcfg_parse_vlan("eth0.42:eth0", &v, &e), 0);
	CHECK_EQ_STR(v.name, "eth0.42");
	CHECK_EQ_STR(v.phys, "eth0");
	CHECK_EQ_INT(v.id, 42);
	CHECK_EQ_INT(ipcfg_parse_vlan("vlan0005:eth1", &v, &e), 0);
	CHECK_EQ_INT(v.id, 5);
	CHECK_EQ_INT(ipcfg_parse_vlan("vlan4094:eth1", &v, &e), 0);
	CHECK_EQ_INT(ipcfg_parse_vlan("eth0.0100:eth0", &v, &e), 0);
	CHECK_EQ_INT(v.id, 100);
	CHECK(ipcfg_parse_vlan("eth0.0:eth0", &v, &e) < 0);
	CHECK(ipcfg_parse_vlan("eth0.4095:eth0", &v, &e) < 0);
	CHECK(ipcfg_parse_vlan("mylan:eth0", &v, &e) < 0);
	CHECK(ipcfg_parse_vlan("eth042:eth0", &v, &e) < 0);
	CHECK(ipcfg_parse_vlan("eth0.42", &v, &e) < 0);
	CHECK(ipcfg_parse_vlan("eth0.42:", &v, &e) < 0);
	CHECK(ipcfg_parse_vlan(":eth0", &v, &e) < 0);
	CHECK(ipcfg_parse_vlan("eth0.42:eth0:x", &v, &e) < 0);
}

TEST(ipcfg_load_and_methods)
{
	static struct sztp_config cfg;
	static struct ipcfg c;
	const struct ipcfg_entry *en;
	config_defaults(&cfg);
	strcpy(cfg.ip[cfg.n_ip++], "eth1:dhcp6");
	strcpy(cfg.ip[cfg.n_ip++], "192.0.2.10::192.0.2.1:24::eth2:none:192.0.2.53");
	strcpy(cfg.ip[cfg.n_ip++], "garbage:::");
	strcpy(cfg.nameservers[cfg.n_nameservers++], "2001:db8::53");
	strcpy(cfg.nameservers[cfg.n_nameservers++], "192.0.2.53");
	strcpy(cfg.nameservers[cfg.n_nameservers++], "not-an-ip");
	strcpy(cfg.vlan[cfg.n_vlan++], "eth0.7:eth0");
	CHECK_EQ_INT(ipcfg_load(&cfg, &c), 2);
	CHECK_EQ_INT(c.n_ip, 2);
	CHECK_EQ_INT(c.n_ns, 2); /* the ip= dns duplicates a nameserver= */
	CHECK_EQ_INT(c.n_vlan, 1);
	CHECK_EQ_INT(ipcfg_methods(&c, "eth1", &en), IPCFG_DHCP6);
	CHECK(en == &c.ip[0]);
	CHECK_EQ_INT(ipcfg_methods(&c, "eth2", &en), IPCFG_STATIC);
	CHECK_EQ_INT(ipcfg_methods(&c, "eth9", &en), IPCFG_DHCP | IPCFG_DHCP6 | IPCFG_AUTO6);
	CHECK(en == NULL);
}
