module Appliance.Core.Network.Firewall

// placeholder: owned by its work package, filled in next
let internal placeholder = ()
