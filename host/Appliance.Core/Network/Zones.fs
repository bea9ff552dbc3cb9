module Appliance.Core.Network.Zones

// placeholder: owned by its work package, filled in next
let internal placeholder = ()
