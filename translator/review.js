// The review page's filters and keyboard navigation, inlined into every page.
(function(){
  var buttons=[].slice.call(document.querySelectorAll('nav.filters button'));
  var rows=[].slice.call(document.querySelectorAll('tr.segment'));
  function apply(flag){
    buttons.forEach(function(b){b.setAttribute('aria-pressed', String(b.dataset.filter===flag));});
    rows.forEach(function(r){
      var show=flag==='all'||(' '+r.dataset.flags+' ').indexOf(' '+flag+' ')>=0;
      r.classList.toggle('hidden',!show);
    });
    document.querySelectorAll('section.article').forEach(function(s){
      var any=flag==='all'||s.querySelector('tr.segment:not(.hidden)');
      s.hidden=!any;
    });
  }
  buttons.forEach(function(b){b.addEventListener('click',function(){apply(b.dataset.filter);});});
  function flagged(){return rows.filter(function(r){return r.dataset.flags&&!r.classList.contains('hidden');});}
  document.addEventListener('keydown',function(e){
    if(e.target.closest&&e.target.closest('input,textarea'))return;
    if(e.key!=='j'&&e.key!=='k')return;
    var list=flagged(); if(!list.length)return;
    var at=list.indexOf(document.activeElement);
    var next=e.key==='j'?(at+1)%list.length:(at<=0?list.length-1:at-1);
    var row=list[next]; row.closest('details').open=true; row.focus(); row.scrollIntoView({block:'center'});
    e.preventDefault();
  });
})();
