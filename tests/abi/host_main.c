/* SPDX-License-Identifier: MIT */
/* The pins are compile-time; this program exists so the host build is part of make check. */
extern int xen_abi_pins_checked;

int main(void)
{
    return xen_abi_pins_checked == 1 ? 0 : 1;
}
