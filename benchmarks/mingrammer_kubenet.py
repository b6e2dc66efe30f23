"""The kubenet picture drawn with mingrammer/diagrams, for `make bench` to time against aksdiag:
VNet, subnet, three nodes with their pod blocks, the route table, load balancer and public IP.

Usage: python mingrammer_kubenet.py OUT_BASENAME [CLUSTER_NAME]  (writes OUT_BASENAME.svg)
"""

from __future__ import annotations

import sys

from diagrams.azure.compute import VM
from diagrams.azure.network import LoadBalancers, PublicIpAddresses, RouteTables
from diagrams.k8s.compute import Pod

from diagrams import Cluster, Diagram, Edge


def main() -> None:
    out = sys.argv[1]
    name = sys.argv[2] if len(sys.argv) > 2 else "myAKSCluster"
    with Diagram(f"{name}: kubenet in your own VNet", filename=out, outformat="svg", show=False, direction="LR"):
        pip = PublicIpAddresses("public IP")
        lb = LoadBalancers("load balancer")
        with Cluster("VNet myAKSVnet 192.168.0.0/16"):
            rt = RouteTables("route table\n3 routes")
            with Cluster("subnet myAKSSubnet 192.168.1.0/24"):
                nodes = []
                for i in range(3):
                    with Cluster(f"node {i} 192.168.1.{4 + i}"):
                        vm = VM(f"vmss00000{i}")
                        pods = Pod(f"pods 10.244.{i}.0/24")
                        vm - pods
                        nodes.append(vm)
        for i, vm in enumerate(nodes):
            rt >> Edge(label=f"10.244.{i}.0/24 -> 192.168.1.{4 + i}") >> vm
            vm >> lb
        lb >> Edge(label="SNAT to node IP") >> pip


if __name__ == "__main__":
    main()
